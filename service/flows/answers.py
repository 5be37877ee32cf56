"""What a person answered in a task: its form's fields as the task held them when it was completed.

Why: a completed task is readable by those who took part (`visibility.can_see_task`), some of whom
may not see the whole instance; they are shown the answers of that task, not the project's data. The
engine keeps each completed task with its data, so a second review round shows its own answers; a
task the engine no longer holds falls back to the instance's current values of the form's fields.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException

from service.store.models import Instance, Task

from .context import Services


def answers(services: Services, instance: Instance, task: Task, form: dict | None) -> dict:
    """The form's fields (in the form's order) with what the task holds for them; missing ones left out."""
    keys = list(((form or {}).get("properties") or {}).keys())
    held = instance.data or {}
    try:
        engine_task = services.engine.restore(instance.state).get_task_from_id(UUID(task.engine_task_id))
    except (TaskNotFoundException, ValueError):
        engine_task = None
    if engine_task is not None:
        held = engine_task.data
    return {key: held[key] for key in keys if key in held}
