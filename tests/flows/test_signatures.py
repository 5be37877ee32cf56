"""E-signatures (R2) sealed by the built-in provider: a changed section and an edited record are both caught."""

from __future__ import annotations

from sqlalchemy import update

from integrations.esign import BuiltinSigner
from service.flows.signatures import canonical_hash, sign, verify
from service.store.models import Signature
from tests.library import make_library


def signed_project(services):
    library = make_library(services)
    project = library.won_project()
    data = {"requirements": {"items": ["SSO"]}}
    with services.sessions() as session:
        sign(session, services.signer, project, ["requirements"], data, library.people["rep"], "sales",
             services.clock())
        session.commit()
    return library, project, data


def test_a_signature_holds_until_its_section_changes(services):
    _, project, data = signed_project(services)
    with services.sessions() as session:
        [check] = verify(session, services.signer, project, data)
        assert (check.valid, check.provider, check.problem) == (True, "builtin", None)
        [check] = verify(session, services.signer, project, {"requirements": {"items": ["SSO", "LDAP"]}})
    assert not check.valid and check.problem == "requirements changed after it was signed"


def test_an_edited_signature_record_no_longer_verifies(services):
    library, project, data = signed_project(services)
    changed = {"requirements": {"items": ["nothing"]}}
    with services.sessions() as session:  # someone with database access re-hashes a changed section...
        session.execute(update(Signature).values(content_sha256=canonical_hash(changed["requirements"])))
        session.commit()
        [check] = verify(session, services.signer, project, changed)
    assert not check.valid and check.problem == "the signature record was altered after signing"
    with services.sessions() as session:  # ...or claims another person signed
        session.execute(update(Signature).values(content_sha256=canonical_hash(data["requirements"]),
                                                 signer_id=library.people["delivery"]))
        session.commit()
        [check] = verify(session, services.signer, project, data)
    assert check.problem == "the signature record was altered after signing"


def test_a_signature_from_another_key_does_not_verify(services):
    _, project, data = signed_project(services)
    with services.sessions() as session:
        [check] = verify(session, BuiltinSigner("a different secret"), project, data)
    assert not check.valid and check.problem == "the signature record was altered after signing"


def test_a_signature_made_before_provider_seals_is_checked_by_its_content_alone(services):
    _, project, data = signed_project(services)
    with services.sessions() as session:  # as rows signed before migration 0004 are
        session.execute(update(Signature).values(proof=None))
        session.commit()
        [check] = verify(session, services.signer, project, data)
        assert (check.valid, check.provider) == (True, "builtin (unsealed)")
        [check] = verify(session, services.signer, project, {"requirements": {"items": ["changed"]}})
    assert not check.valid and check.problem == "requirements changed after it was signed"
