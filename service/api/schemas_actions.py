"""Request shapes of the instance actions (cancel, suspend, resume)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schemas import VersionSchema


class ActionSchema(VersionSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           metadata={"description": "why (it goes into the instance's log)"})
