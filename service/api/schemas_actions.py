"""Request shapes of the instance actions (cancel, suspend, resume)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schemas import VersionSchema


class ActionSchema(VersionSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "why (it goes into the instance's log)"})


class MoveSchema(ActionSchema):
    from_element = fields.String(required=True, data_key="from", validate=validate.Length(min=1, max=200),
                                 metadata={"description": "the element id where the token is now"})
    to_element = fields.String(required=True, data_key="to", validate=validate.Length(min=1, max=200),
                               metadata={"description": "the element id where it goes"})
    data = fields.Dict(load_default=None, allow_none=True,
                       metadata={"description": "values to set for the moved token (an object)"})
