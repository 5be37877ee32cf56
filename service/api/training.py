"""Collaboration training (R2.2): a rep's manager (any level up) or an admin records it; the block lifts at once."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext
from flask_smorest import Blueprint

from service.flows import discipline
from service.store.models import User

from . import schemas
from .auth import login_required
from .common import actor_id, authorized_first, services

blp = Blueprint("training", __name__, url_prefix="/api/v1/people", description="Collaboration training (R2.2)")


def _may_record(actor: int, user_id: int) -> None:
    with services().sessions() as session:
        if session.get(User, user_id) is None:
            abort(404, description=gettext("no person %(user_id)s", user_id=user_id))
        if not discipline.may_record_training(session, actor, user_id):
            abort(403, description=gettext("only a manager of this person (at any level) or an admin can record their "
                                           "training"))


@blp.route("/<int(max=9223372036854775807):user_id>/collaboration-training", methods=["POST"])
@login_required
@authorized_first(_may_record)
@blp.arguments(schemas.TrainingSchema)
@blp.response(201, schemas.TrainingRecordedSchema)
def record(body, user_id: int):
    """Records that the person completed the collaboration training on `completed_on`; the answer says whether
    R2.2 still holds them back (handovers that fell short after that day still count)."""
    flows_services = services()
    record_id = discipline.record_training(flows_services, user_id, actor_id(), completed_on=body["completed_on"],
                                           note=body["note"])
    with flows_services.sessions() as session:
        state = discipline.standing(session, user_id, flows_services.clock())
        return {"id": record_id, "user": session.get(User, user_id).username, "completed_on": body["completed_on"],
                "recorded_by": session.get(User, actor_id()).username, "blocked": state.blocked,
                "submitted": state.submitted, "incomplete": state.incomplete, "delayed": state.delayed}
