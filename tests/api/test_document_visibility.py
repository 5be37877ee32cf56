"""R6: a document a form names belongs to its instance, and everyone who can see the instance may open it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.app import create_app
from service.demo import seed_people
from service.flows import instances
from service.flows.errors import Forbidden, FormInvalid
from service.store.models import AuditEvent, Document
from tests.api.conftest import PASSWORD
from tests.library import make_library
from tests.support import task_by_element


@pytest.fixture
def library(services):
    built = make_library(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)
        session.commit()
    return built


@pytest.fixture
def client(services, library):
    return create_app(services.config, services).test_client()


def _token(client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def _document(services, document_id: int) -> Document:
    with services.sessions() as session:
        return session.get(Document, document_id)


def test_the_acceptance_document_is_the_projects_and_each_person_who_sees_it_opens_it(client, library, services):
    project = library.to_acceptance()
    scan = library.document("delivery", "acceptance.pdf")  # uploaded on its own, as an API user would
    assert _document(services, scan).instance_id is None
    library.task(project, "acceptance", "delivery", {"acceptance_document": scan, "accepted_on": "2026-01-15"})
    assert _document(services, scan).instance_id == project
    with services.sessions() as session:  # who may open it changed: the log says so, in the same transaction
        [logged] = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == project,
                                                            AuditEvent.kind == "document_attached")).all()
        assert (logged.actor_id, logged.data) == (library.people["delivery"],
                                                  {"document_id": scan, "filename": "acceptance.pdf"})

    for username in ("delivery", "delivery_head", "rep", "sales_mgr", "vp", "finance"):
        got = client.get(f"/api/v1/documents/{scan}", headers=_token(client, username))
        assert got.status_code == 200, username
        assert got.data == b"%PDF-1.4 acceptance.pdf"
    for outsider in ("product", "tech"):
        got = client.get(f"/api/v1/documents/{scan}", headers=_token(client, outsider))
        assert got.status_code == 404, outsider
        assert "acceptance" not in got.get_data(as_text=True)


def test_a_document_nobody_attached_stays_its_uploaders(client, library, services):
    project = library.to_acceptance()
    loose = library.document("delivery", "draft.pdf")
    assert client.get(f"/api/v1/documents/{loose}", headers=_token(client, "delivery")).status_code == 200
    assert client.get(f"/api/v1/documents/{loose}", headers=_token(client, "finance")).status_code == 404
    assert _document(services, loose).instance_id is None and project


def test_a_refused_completion_links_nothing(library, services):
    project = library.to_acceptance()
    scan = library.document("delivery", "acceptance.pdf")
    task = task_by_element(services, project, "acceptance")
    instances.claim_task(services, task.id, library.people["delivery"])
    with pytest.raises(FormInvalid):  # no date of signature: the whole completion is refused
        instances.complete_task(services, task.id, library.people["delivery"], {"acceptance_document": scan})
    assert _document(services, scan).instance_id is None
    with pytest.raises(Forbidden):  # not the holder's task: refused before anything is linked
        instances.complete_task(services, task.id, library.people["delivery_head"],
                                {"acceptance_document": scan, "accepted_on": "2026-01-15"})
    assert _document(services, scan).instance_id is None
    instances.complete_task(services, task.id, library.people["delivery"],
                            {"acceptance_document": scan, "accepted_on": "2026-01-15"})
    assert _document(services, scan).instance_id == project


def test_someone_elses_loose_document_cannot_be_claimed_through_a_form(library, services):
    project = library.to_acceptance()
    theirs = library.document("rep", "private.pdf")  # the rep's, attached to nothing
    task = task_by_element(services, project, "acceptance")
    instances.claim_task(services, task.id, library.people["delivery"])
    with pytest.raises(FormInvalid):
        instances.complete_task(services, task.id, library.people["delivery"],
                                {"acceptance_document": theirs, "accepted_on": "2026-01-15"})
    assert _document(services, theirs).instance_id is None
