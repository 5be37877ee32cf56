"""Moving a token of a running instance (issue 10): "send it back to the contract review", "skip the UAT".

The engine says what it can do safely (`service.engine.modify`); what it refuses is a 422 naming
why. The move is one transaction: the old task closes as cancelled, the new one opens, timers and
waits follow (`settle`), and the log says who moved it, from where to where, and why.
"""

from __future__ import annotations

from service.engine import modify
from service.i18n import Text

from . import audit
from .context import Services
from .errors import Conflict, FormInvalid, status_word
from .instance_actions import _load, _reason
from .instances import InstanceResult, _refuse_sealed, _result
from .operators import OperatorContext
from .settle import engine_errors, settle
from .unit_of_work import UnitOfWork


def move(services: Services, instance_id: int, actor_id: int | None, reason: str, expected_version: int | None,
         from_element: str, to_element: str, data: dict | None = None) -> InstanceResult:
    """Cancels the token at `from_element` and starts one at `to_element`, with the token's data plus `data`."""
    reason, now = _reason(reason), services.clock()
    if data is not None and not isinstance(data, dict):
        raise FormInvalid(Text("data must be an object"), {"data": [Text("an object of names and values")]})
    with UnitOfWork(services.sessions) as uow:
        instance = _load(uow, services, instance_id, actor_id, "move", expected_version)
        if instance.status != "running":
            raise Conflict(Text("instance %(instance_id)s is %(status)s: only a running instance's tokens move",
                                instance_id=instance_id, status=status_word(instance.status)))
        _refuse_sealed(instance, data or {})
        ctx = OperatorContext.of(services, uow.session, instance, now)
        with engine_errors():
            workflow = services.engine.restore(instance.state)
            try:
                planned = modify.plan(workflow, from_element, to_element)
            except modify.MoveRefused as refused:
                raise FormInvalid(Text("this move cannot be made safely: %(refused)s", refused=str(refused)),
                                  {"to": [str(refused)]}) from refused
            modify.apply(planned, data)
            services.engine.run(workflow, ctx)
        audit.record(uow.session, now, "token_moved", instance_id=instance.id, actor_id=actor_id, reason=reason,
                     element_id=to_element, from_element=from_element, to_element=to_element,
                     direction=planned.direction, data=data or {})
        settle(services, uow, instance, workflow, ctx, now, actor_id)
        uow.commit()
        return _result(instance)
