"""Request and response shapes of migrating instances to another version (issue 10)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .schemas import VersionSchema

MAX_VERSION = 2**31 - 1
ELEMENT_ID = fields.String(validate=validate.Length(min=1, max=255))


class _Migration(Schema):
    to_version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_VERSION),
                                metadata={"description": "the deployed version of the same process to move to"})
    mapping = fields.Dict(keys=ELEMENT_ID, values=ELEMENT_ID, load_default=dict,
                          metadata={"description": "old element id -> new element id, for what was renamed"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "only say what would happen"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=2000))

    @validates_schema
    def reason_unless_dry_run(self, data, **_):
        if not data.get("dry_run") and not data.get("reason"):
            raise ValidationError("say why, for the log (not needed for a dry run)", "reason")


class MigrateSchema(_Migration, VersionSchema):
    """One instance; `version` is the instance's version you saw (409 if it changed)."""


class MigrateAllSchema(_Migration):
    """Every unfinished instance of the version in the path."""


class StepSchema(Schema):
    element_id = fields.String(required=True)
    element_name = fields.String(required=True)
    kind = fields.String(required=True)
    maps_to = fields.String(allow_none=True)
    ok = fields.Boolean(required=True)
    problem = fields.String(allow_none=True)


class MigrationSchema(Schema):
    instance_id = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)
    migrated = fields.Boolean(required=True)
    version = fields.Integer(required=True, metadata={"description": "the instance's version after this"})
    process_version = fields.Integer(required=True, metadata={"description": "the process version it runs on"})
    plan = fields.List(fields.Nested(StepSchema), required=True)


class OutcomeSchema(Schema):
    instance_id = fields.Integer(required=True)
    outcome = fields.String(required=True, metadata={"description": "migrated, refused or would migrate"})
    problems = fields.List(fields.String(), required=True)


class BatchSchema(Schema):
    dry_run = fields.Boolean(required=True)
    instances = fields.List(fields.Nested(OutcomeSchema), required=True)
