"""Migrating unfinished instances to another deployed version of their process, one or all (issue 10)."""

from __future__ import annotations

from flask_smorest import Blueprint

from service.flows import migrate as migrating
from service.flows import operation_rules
from service.store.models import Instance

from . import migration_schemas as schemas
from .auth import login_required
from .common import actor_id, authorized_first, expected_version, services

blp = Blueprint("migrations", __name__, url_prefix="/api/v1", description="Migrating instances to a new version")
ID = "int(max=9223372036854775807)"


def _step(step) -> dict:
    return {"element_id": step.element_id, "element_name": step.element_name, "kind": step.kind,
            "maps_to": step.maps_to, "ok": step.ok, "problem": step.problem}


@blp.route(f"/instances/<{ID}:instance_id>/migrate", methods=["POST"])
@login_required
@authorized_first(lambda actor, instance_id: operation_rules.check_operate(services(), instance_id, actor, "migrate"))
@blp.arguments(schemas.MigrateSchema)
@blp.response(200, schemas.MigrationSchema)
def migrate(body, instance_id: int):
    """Moves a running, errored or suspended instance onto another version of its process.

    Each active token (user task, timer, message catch, sub-process) must find its element on the new
    version, by the same id or through `mapping`, of the same kind. `dry_run` answers the plan element
    by element and changes nothing; otherwise a token that does not map refuses the whole migration
    (422, the element ids as field errors). Admins and the process's owners may (403); a finished
    instance or a stale `version` is 409.
    """
    if body["dry_run"]:
        steps = migrating.plan(services(), instance_id, body["to_version"], body["mapping"], actor_id())
        with services().sessions() as session:
            instance = session.get(Instance, instance_id)
            now = {"version": instance.row_version, "process_version": instance.process_version.version}
        return {"instance_id": instance_id, "dry_run": True, "migrated": False, **now,
                "plan": [_step(step) for step in steps]}
    done = migrating.migrate(services(), instance_id, body["to_version"], body["mapping"], actor_id(),
                             body["reason"], expected_version(body["version"]))
    return {"instance_id": instance_id, "dry_run": False, "migrated": True, "version": done.row_version,
            "process_version": done.process_version, "plan": [_step(step) for step in done.steps]}


@blp.route(f"/processes/<process_id>/versions/<int(max={schemas.MAX_VERSION}):version>/migrate", methods=["POST"])
@login_required
@authorized_first(lambda actor, process_id, version: migrating.check_batch(services(), process_id, version, actor))
@blp.arguments(schemas.MigrateAllSchema)
@blp.response(200, schemas.BatchSchema)
def migrate_all(body, process_id: str, version: int):
    """Migrates every unfinished instance of this version, each on its own: one that does not map is
    reported (``refused`` with the reasons) and stays where it is. Admins and the version's owners."""
    outcomes = migrating.migrate_all(services(), process_id, version, body["to_version"], body["mapping"],
                                     actor_id(), body["reason"], dry_run=body["dry_run"])
    return {"dry_run": body["dry_run"], "instances": [o.__dict__ for o in outcomes]}
