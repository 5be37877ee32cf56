"""Request and response shapes (marshmallow), which also write the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ApiError(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={"description": (
        "For invalid form data (422 `invalid_form`): field path -> messages in the form's own words, "
        'e.g. {"product": ["Product is required"], "decision_makers.0.role": ["Decision maker 1: Role is required"]}')})


class TokenRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


CHAT_KINDS = ["wecom", "dingtalk", "feishu", "slack", "teams"]


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    manager_id = fields.Integer(allow_none=True)
    groups = fields.List(fields.String())
    locale = fields.String(allow_none=True, metadata={"description": "en or zh-CN; null until chosen"})


class MyPreferencesSchema(Schema):
    locale = fields.String(required=True, validate=validate.OneOf(["en", "zh-CN"]),
                           metadata={"description": "the language pages, messages and e-mails reach me in"})


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    user = fields.Nested(UserSchema)


class TaskSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    element_id = fields.String()
    name = fields.String()
    candidate_group = fields.String(allow_none=True, metadata={"description": "the first of candidate_groups"})
    candidate_groups = fields.List(fields.String(), metadata={"description": "every group that may claim it"})
    assignee_id = fields.Integer(allow_none=True)
    form_key = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    version = fields.Integer(attribute="row_version")


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "the task's JSON Schema form"})
    data = fields.Dict(metadata={"description": "the data the task sees now"})
    sealed = fields.List(fields.String(), metadata={"description": "keys nobody may change any more"})


class TaskListQuery(Schema):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "groups", "overdue", "done"]),
                          metadata={"description": "mine: open and mine; groups: claimable by my groups; overdue: "
                                                   "mine and my reporting tree's; done: completed by me, newest "
                                                   "first, a page at a time"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6),
                          metadata={"description": "with scope=done: which page of 50 (fewer than 50: the last)"})


class VersionSchema(Schema):
    version = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=2**31 - 1),
                             metadata={"description": "the version you saw; or send If-Match"})


class CompleteSchema(VersionSchema):
    data = fields.Dict(load_default=dict, metadata={"description": "the form's fields"})


class ReassignSchema(VersionSchema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=100))


class StartSchema(Schema):
    data = fields.Dict(load_default=dict)
    business_key = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))


class InstanceSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    version = fields.Integer(attribute="row_version")
    process_version = fields.Integer()
    business_key = fields.String(allow_none=True)
    status = fields.String()
    stage = fields.String(allow_none=True)
    project_status = fields.String(allow_none=True)
    frozen = fields.Boolean()
    frozen_reason = fields.String(allow_none=True)
    started_at = fields.DateTime()
    next_wakeup_at = fields.DateTime(allow_none=True)
    data = fields.Dict()
    open_tasks = fields.List(fields.Nested(TaskSchema))


class ProcessSchema(Schema):
    process_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True)


class MessageSchema(Schema):
    id = fields.Integer()
    subject = fields.String()
    body = fields.Dict()
    instance_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxSchema(Schema):
    unread = fields.Integer()
    messages = fields.List(fields.Nested(MessageSchema))


class InboxQuery(Schema):
    unread_only = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DocumentSchema(Schema):
    id = fields.Integer()
    sha256 = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    instance_id = fields.Integer(allow_none=True)
    uploaded_at = fields.DateTime()


class SignatureCheckSchema(Schema):
    section = fields.String()
    signer = fields.String()
    role = fields.String(allow_none=True)
    signed_at = fields.DateTime()
    valid = fields.Boolean()
    provider = fields.String()
    problem = fields.String(allow_none=True, metadata={"description": "why the signature no longer holds"})


class EventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    data = fields.Dict()


class TimerSchema(Schema):
    element_id = fields.String()
    due = fields.DateTime()
    kind = fields.String()
    interrupting = fields.Boolean(allow_none=True)
    attached_to = fields.String(allow_none=True)


class FreezeSchema(VersionSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ReleaseSchema(VersionSchema):
    data = fields.Dict(load_default=dict, metadata={"description": "e.g. a rebound kb_version"})


class InstanceListQuery(Schema):
    process_id = fields.String(load_default=None, validate=validate.Length(max=200))
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["running", "completed", "error", "cancelled", "suspended"]))
    stage = fields.String(load_default=None, validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ProcessVersionSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String(allow_none=True)
    files = fields.List(fields.String())


class DeployedSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    created = fields.Boolean()
    restores = fields.Integer(allow_none=True, metadata={"description": "the older version whose files this one "
                                                                       "brings back (an undo), if any"})
    warnings = fields.List(fields.String(), metadata={"description": "words not translated yet, as FILE:LINE: "
                                                                     "element-id: message lines (never a refusal)"})


class CustomerSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    industry = fields.String(allow_none=True)
    budget = fields.Integer(allow_none=True)
    decision_makers = fields.List(fields.Dict())
    executive_attention = fields.Boolean()
    complaint_types = fields.List(fields.String())
    sla_achievement = fields.Float(allow_none=True)
    version = fields.Integer(attribute="row_version")


class StrictBoolean(fields.Boolean):
    """JSON true or false only: not "maybe", "yes", 1 or "1" (a flag people rely on is not guessed)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictInteger(fields.Integer):
    """A JSON integer: not "12", 12.5 or true."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    """A JSON number: not "0.5" or true."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class DecisionMakerSchema(Schema):
    """One person who decides at the customer (the opportunity form's shape); nothing else is kept."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.Length(min=1, max=100))
    phone = fields.String(validate=validate.Length(max=50))
    email = fields.String(validate=validate.Length(max=300))


class CustomerFieldsSchema(Schema):
    """Every field sales may change, typed and bounded by its column; an unknown field is refused (R8)."""

    industry = fields.String(allow_none=True, validate=validate.Length(max=100))
    budget = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=10**15))
    decision_makers = fields.List(fields.Nested(DecisionMakerSchema), validate=validate.Length(max=50))
    executive_attention = StrictBoolean()
    complaint_types = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                                  validate=validate.Length(max=50))
    sla_achievement = StrictFloat(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1),
                                   metadata={"description": "the share of SLAs met, 0 to 1"})


class CustomerChangeSchema(VersionSchema):
    changes = fields.Nested(CustomerFieldsSchema, required=True,
                            metadata={"description": "budget, decision_makers, executive_attention…"})


class CustomerListQuery(Schema):
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "part of the name or industry, any case"})


class CustomerCreateSchema(CustomerFieldsSchema):
    """A new customer record (admins): a name no other customer has, and any of the fields sales keeps."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=300))


class CustomerEditSchema(CustomerFieldsSchema, VersionSchema):
    """An admin's correction of a record: only the fields sent change; `version` (or If-Match) guards it."""

    name = fields.String(validate=validate.Length(min=1, max=300))


class CustomerChangedSchema(Schema):
    changes = fields.List(fields.Dict())
    notified = fields.List(fields.String())
    version = fields.Integer()


class KbVersionSchema(Schema):
    version = fields.String(required=True, validate=validate.Length(min=1, max=200),
                            metadata={"description": "e.g. V3.3-202605 security module"})


class KbProductSchema(Schema):
    product = fields.String()
    version = fields.String(metadata={"description": "the current version, which `kb_check` compares against"})
    updated_at = fields.DateTime()
    updated_by = fields.String(allow_none=True, metadata={"description": "the username who set it"})


class TrainingSchema(Schema):
    completed_on = fields.Date(required=True, metadata={"description": "the day the training was completed"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class TrainingRecordedSchema(Schema):
    id = fields.Integer()
    user = fields.String(metadata={"description": "the rep's username"})
    completed_on = fields.Date()
    recorded_by = fields.String()
    blocked = fields.Boolean(metadata={"description": "whether R2.2 still holds the rep back (false: lifted)"})
    submitted = fields.Integer()
    incomplete = fields.Integer()
    delayed = fields.Integer()


class PersonSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_.-]{2,100}$"))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=300))
    manager = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100),
                            metadata={"description": "the manager's username"})
    groups = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                         validate=validate.Length(max=100))
    password = fields.String(load_only=True, load_default=None, validate=validate.Length(min=8, max=200))
    active = fields.Boolean(load_default=True)
    locked_until = fields.DateTime(dump_only=True, allow_none=True,
                                   metadata={"description": "set while failed logins lock this login"})
    failed_logins = fields.Integer(dump_only=True, metadata={"description": "failed logins in a row"})
    # Absent from a save: kept as they are (the admin page may not show them all).
    locale = fields.String(allow_none=True, validate=validate.OneOf(["en", "zh-CN"]),
                           metadata={"description": "en or zh-CN; null: the browser's at their next login"})
    mobile = fields.String(allow_none=True, validate=validate.Regexp(r"^\+?[0-9][0-9 -]{4,30}$"),
                           metadata={"description": "the mobile WeCom and DingTalk robots @-mention"})
    chat_ids = fields.Dict(keys=fields.String(validate=validate.OneOf(CHAT_KINDS)),
                           values=fields.String(validate=validate.Length(min=1, max=200)),
                           metadata={"description": "their user id per team chat: " + ", ".join(CHAT_KINDS)})


class DiagramSchema(Schema):
    process_id = fields.String()
    xml = fields.String(metadata={"description": "the BPMN the instance runs on (its own version)"})
    done = fields.List(fields.String())
    active = fields.List(fields.String())
    overdue = fields.List(fields.String())
    frozen = fields.Boolean()


class CorrelationKeys(fields.Dict):
    """Process variables a waiting instance must hold: ``{"contract_number": "C-1"}``; Camunda's
    ``{"contract_number": {"value": "C-1", "type": "String"}}`` is read the same way."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(validate=validate.Length(min=1, max=200)),
                         validate=validate.Length(max=20), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        keys = super()._deserialize(value, attr, data, **kwargs)
        plain = {}
        for key, item in keys.items():
            if isinstance(item, dict) and "value" in item:
                item = item["value"]
            if not (item is None or isinstance(item, str | int | float | bool)):
                raise self.make_error("invalid_value", name=key)
            plain[key] = item
        return plain

    default_error_messages = {"invalid_value": "{name}: a correlation key's value is a string, number, "
                                               "true, false or null"}


class CorrelationSchema(Schema):
    message = fields.String(required=True, validate=validate.Length(min=1, max=300),
                            metadata={"description": "the BPMN message's name (bpmn:message name=...)"})
    instance_id = StrictInteger(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**63 - 1),
                                metadata={"description": "the instance it is for, when the sender knows it"})
    business_key = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=200),
                                 metadata={"description": "the business key the instance was started with"})
    correlation_keys = CorrelationKeys(load_default=dict, metadata={
        "description": "process variables the waiting instance must hold with exactly these values"})
    payload = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)), load_default=dict,
                          metadata={"description": "merged into the instance's data"})


class SignalSchema(Schema):
    signal = fields.String(required=True, validate=validate.Length(min=1, max=300),
                           metadata={"description": "the BPMN signal's name (bpmn:signal name=...)"})
    payload = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=200)), load_default=dict,
                          metadata={"description": "merged into the data of every instance that catches it"})


class SkippedSchema(Schema):
    instance_id = fields.Integer(allow_none=True)
    process_id = fields.String(allow_none=True)
    reason = fields.String()


class DeliveredSchema(Schema):
    kind = fields.String(metadata={"description": "message or signal"})
    name = fields.String()
    delivered_to = fields.List(fields.Integer(), metadata={"description": "instances that caught it"})
    started = fields.List(fields.Integer(), metadata={"description": "instances its start event started"})
    skipped = fields.List(fields.Nested(SkippedSchema),
                          metadata={"description": "a signal: instances or processes that could not take it now"})


class WaitSchema(Schema):
    kind = fields.String(metadata={"description": "message or signal"})
    name = fields.String()
    element_id = fields.String()
    interrupting = fields.Boolean(allow_none=True)
    attached_to = fields.String(allow_none=True)
    since = fields.DateTime()


class GroupSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    members = fields.List(fields.String(), dump_only=True, metadata={"description": "the members' usernames"})
