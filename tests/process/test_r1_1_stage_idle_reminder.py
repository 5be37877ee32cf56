"""R1.1: a stage reminds its owner and their manager after 24 hours *without work*, not 24 hours after entry.

Contract co-signing and handover hold several tasks; each one done restarts the stage's clock
(`counts_from=last_work` on the stage's SLA timer), and while nothing happens it reminds on the cycle.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from service.jobs.sweeper import sweep
from tests.support import inbox, instance, run_jobs

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)
S = timedelta(seconds=1)


def _reminders(services, person_id, stage):
    return [m for m in inbox(services, person_id) if m.body.get("body", {}).get("stage") == stage
            and m.subject.startswith("Nobody has worked on stage")]


def _counts(services, people, stage):
    return len(_reminders(services, people["rep"], stage)), len(_reminders(services, people["sales_mgr"], stage))


def test_work_in_the_stage_postpones_its_reminder_and_idleness_reminds_on_the_cycle(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = library.won_project()
        library.describe_opportunity(project)  # contract co-signing starts at T0
        clock.move_to(T0 + 20 * H)
        library.task(project, "submit_contract", "rep", {
            "contract_number": "C-2026-001", "contract_amount": 800000,
            "terms": "30% on signing, 70% on acceptance", "invoice_type": "vat_special"})
        clock.move_to(T0 + 24 * H + S)
        run_jobs(services)
        assert _counts(services, people, "Contract co-signing") == (0, 0)  # worked on 4 hours ago

        clock.move_to(T0 + 30 * H)
        library.task(project, "legal_review", "legal", {"legal_approved": True})
        clock.move_to(T0 + 44 * H + S)  # 24 h after the contract was submitted, but legal worked since
        run_jobs(services)
        assert _counts(services, people, "Contract co-signing") == (0, 0)

        clock.move_to(T0 + 54 * H + S)  # 24 h after legal's review, nothing since
        run_jobs(services)
        assert _counts(services, people, "Contract co-signing") == (1, 1)
        [reminder] = _reminders(services, people["sales_mgr"], "Contract co-signing")
        assert reminder.subject == "Nobody has worked on stage Contract co-signing of ACME Education for 24 hours"

        clock.move_to(T0 + 78 * H + S)  # still idle: the next cycle
        run_jobs(services)
        assert _counts(services, people, "Contract co-signing") == (2, 2)
        assert _reminders(services, people["vp"], "Contract co-signing") == []


def test_a_postponed_reminder_survives_redis_losing_its_alarm(services, library):
    people = library.people
    with freeze_time(T0) as clock:
        project = library.won_project()
        library.describe_opportunity(project)
        library.cosign(project)  # handover starts at T0
        clock.move_to(T0 + 12 * H)
        library.task(project, "core_requirements", "rep", {"requirements": {
            "items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
            "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
        assert instance(services, project).next_wakeup_at == T0 + 36 * H  # the database knows the new time
        services.redis.flushdb()  # Redis forgets every alarm

        clock.move_to(T0 + 24 * H + S)
        sweep(services)
        run_jobs(services)
        assert _counts(services, people, "Handover") == (0, 0)

        clock.move_to(T0 + 36 * H + S)
        assert run_jobs(services) == 0  # nothing left in Redis to ring
        assert sweep(services).scheduled == 1
        run_jobs(services)
        assert _counts(services, people, "Handover") == (1, 1)


def test_work_does_not_postpone_the_48h_handover_deadline_which_counts_from_entry(services, library):
    """Only the stage SLA says `counts_from=last_work`; R2's "delayed beyond 48 hours" is from the handover's start."""
    from tests.support import events

    people = library.people
    with freeze_time(T0) as clock:
        project = library.won_project()
        library.describe_opportunity(project)
        library.cosign(project)  # handover starts at T0
        clock.move_to(T0 + 40 * H)
        library.task(project, "core_requirements", "rep", {"requirements": {
            "items": [{"requirement": "SSO with the school's LDAP", "priority": "must"}],
            "contact_name": "Li Wei", "contact_phone": "+86 10 5555 0101"}})
        clock.move_to(T0 + 48 * H + S)
        run_jobs(services)
        assert len(events(services, "handover_delayed", project)) == 1
        assert _counts(services, people, "Handover") == (1, 1)  # the 24 h reminder, before the work
        clock.move_to(T0 + 64 * H + S)  # 24 h after the work: reminded again
        run_jobs(services)
        assert _counts(services, people, "Handover") == (2, 2)
