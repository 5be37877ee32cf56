"""R4: delivery starts; a different knowledge-base version freezes the project until the product owner acts."""

from __future__ import annotations

import pytest

from service.clock import utcnow
from service.flows import instances
from service.flows.errors import Forbidden, InstanceFrozen
from service.store.models import KbProduct
from tests.library import KB_VERSION
from tests.support import events, inbox, instance, open_elements, run_jobs, task_by_element

NEW_VERSION = "V3.3-202605 security module"


def to_implementation(library) -> int:
    project = library.won_project()
    library.describe_opportunity(project)
    library.cosign(project)
    return project


def publish(services, version):
    with services.sessions() as session:
        session.get(KbProduct, "Enterprise").current_version = version
        session.get(KbProduct, "Enterprise").updated_at = utcnow()
        session.commit()


def test_a_changed_version_freezes_the_project_and_tells_the_product_owner(services, library):
    project = to_implementation(library)
    publish(services, NEW_VERSION)
    library.hand_over(project)  # delivery starts: the check runs

    row = instance(services, project)
    assert row.frozen and NEW_VERSION in row.frozen_reason and KB_VERSION in row.frozen_reason
    assert row.next_wakeup_at is None  # reminders wait while frozen
    run_jobs(services)
    [message] = inbox(services, library.people["product"])
    assert message.subject.startswith("Project frozen: knowledge-base version of Enterprise")

    implementation = task_by_element(services, project, "implementation")
    instances.claim_task(services, implementation.id, library.people["delivery"])
    with pytest.raises(InstanceFrozen):
        instances.complete_task(services, implementation.id, library.people["delivery"],
                                {"implementation_done": True})

    with pytest.raises(Forbidden):  # only the product owners release a knowledge-base freeze
        instances.release(services, project, actor_id=library.people["rep"], data={"kb_version": NEW_VERSION})
    assert instance(services, project).frozen

    # The product owner confirms the new version applies: the project is released and rebound.
    instances.release(services, project, actor_id=library.people["product"], data={"kb_version": NEW_VERSION})
    assert not instance(services, project).frozen
    assert instance(services, project).data["kb_version"] == NEW_VERSION  # shown at once, not at the next step
    library.task(project, "implementation", "delivery", {"implementation_done": True})
    assert open_elements(services, project) == ["uat"]
    assert instance(services, project).data["kb_version"] == NEW_VERSION
    [released] = events(services, "instance_released", project)
    assert (released.actor_id, released.data["kb_version"]) == (library.people["product"], NEW_VERSION)


def test_the_same_version_lets_delivery_start_at_once(services, library):
    project = to_implementation(library)
    library.hand_over(project)
    assert not instance(services, project).frozen
    [check] = events(services, "kb_checked", project)
    assert check.data == {"product": "Enterprise", "bound": KB_VERSION, "current": KB_VERSION, "matches": True}
