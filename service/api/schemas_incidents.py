"""Request and response shapes of incidents (issue 10): the list, one incident, retry and skip."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .schemas import VersionSchema

REASON = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                       metadata={"description": "why, in the operator's words (the audit log keeps it)"})


class IncidentQuery(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))
    process_id = fields.String(load_default=None, validate=validate.Length(max=200))
    element_id = fields.String(load_default=None, validate=validate.Length(max=200))
    instance_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**63 - 1))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class IncidentSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    instance_version = fields.Integer(metadata={"description": "the instance's version, to send with retry/skip"})
    process_id = fields.String()
    process_name = fields.String()
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "what failed: script, operator, decision, task, timer..."})
    message = fields.String()
    trigger = fields.String(metadata={"description": "what was being done: timer, complete_task or message"})
    created_at = fields.DateTime()
    attempts = fields.Integer()
    last_attempt_at = fields.DateTime()
    status = fields.String()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Integer(allow_none=True)
    resolution = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class RetrySchema(VersionSchema):
    reason = REASON
    data = fields.Dict(load_default=dict, metadata={"description": "corrections to the data, set before the retry"})


class SkipSchema(VersionSchema):
    reason = REASON
    data = fields.Dict(load_default=dict, metadata={"description": "what the failed step would have given"})


class ProcessStoppedSchema(Schema):
    """A completion kept, whose next steps failed (202): the process waits for its owners."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True)
    incident_id = fields.Integer()
    instance_id = fields.Integer()
