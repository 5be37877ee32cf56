"""Pages that guide (issue 11): empty lists say what will come and when, a frozen project waits on its release
group's task list, "Start" lists what each person may start and who starts the rest, and a person reads the
tasks they completed again, read-only."""

from __future__ import annotations

from tests.process.test_r4_kb_version import NEW_VERSION, publish, to_implementation
from tests.support import instance, open_tasks, run_jobs


def test_legals_empty_first_page_says_what_will_arrive_and_when(person):
    legal = person("legal")
    page = legal.open("/tasks")
    groups = page.locator("section", has_text="Waiting in my groups")
    assert "Nothing waits in your groups now." in groups.inner_text()
    guide = page.locator("#work-guide")
    text = " ".join(guide.inner_text().split())
    assert "You are in Legal." in text
    assert ("Legal review of the contract after Sales finishes “Submit the contract for review”, and again after "
            "Sales finishes “Revise the contract (see the reasons)”." in text)
    assert "Draft the supplementary contract terms when Sales starts a “Cross-department requirement freeze”" in text
    assert "Nothing here" not in page.locator("main").inner_text()
    legal.shot("tasks")
    inbox = legal.open("/inbox")
    assert "Reminders and escalations of your tasks" in inbox.locator("#inbox-empty").inner_text()
    legal.shot("inbox")


def test_the_product_owner_sees_the_frozen_project_waiting_and_releases_it_from_there(person, library, services):
    project = to_implementation(library)
    publish(services, NEW_VERSION)
    library.hand_over(project)  # delivery starts: the version check freezes it for the product group
    run_jobs(services)

    delivery = person("delivery")  # delivery is not the release group: nothing waits on them
    assert delivery.open("/tasks").locator("#waiting-on-you").count() == 0

    product = person("product")
    page = product.open("/tasks")
    row = page.locator(f"#waiting-on-you tr[data-instance='{project}']")
    assert "ACME Education" in row.inner_text() and "V3.3-202605" in row.inner_text()
    product.shot("waiting-on-you")
    row.locator("a:has-text('Review and release')").click()
    page.wait_for_selector("#release")
    page.click(f"#release button[data-release='rebind']:has-text('to {NEW_VERSION}')")
    page.wait_for_selector("#release", state="detached")
    assert not instance(services, project).frozen
    assert product.open("/tasks").locator("#waiting-on-you").count() == 0


def test_done_by_me_lists_a_completed_task_and_opens_it_read_only(person, library):
    project = to_implementation(library)  # legal approved the contract in co-signing
    legal = person("legal")
    page = legal.open("/tasks")
    page.click("#done-link")
    row = page.locator("#done-by-me tr", has_text="Legal review of the contract")
    assert f"#{project}" in row.inner_text()
    legal.shot("done-by-me")
    row.locator("a").click()
    page.wait_for_selector("#answers")
    answers = page.locator("#answers").inner_text()
    assert "Completed by Lena Gross (Legal)" in answers and "Read-only" in answers
    assert page.locator("#answers [data-answer=legal_approved]").count() == 1
    assert page.locator("#task-form").count() == 0 and page.locator("#submit").count() == 0
    assert " due " not in page.locator("main .card").first.inner_text()  # done: no due time to meet any more
    legal.shot("done-task")


def test_the_start_page_lists_what_each_person_may_start_and_who_starts_the_rest(person):
    rep = person("rep")
    page = rep.open("/tasks")
    page.click("header nav a[href='/start']")
    mine = page.locator("#may-start").inner_text()
    for title in ("Project lifecycle: opportunity to cash", "Cross-department requirement freeze",
                  "Lead routing and response SLA", "Handover three-piece package", "Contract co-signing"):
        assert title in mine
    assert "(R" not in mine  # no rule ids in what a person reads
    rep.shot("start")

    legal = person("legal")
    page = legal.open("/start")
    assert "None of the deployed processes starts with you" in page.locator("#may-start").inner_text()
    others = " ".join(page.locator("#others-start").inner_text().split())
    assert "Only Sales can start a “Handover three-piece package”." in others
    assert "Only Sales can start a “Cross-department requirement freeze”." in others
    legal.shot("start")
    product = person("product")
    assert "Only Sales can start a “Project lifecycle: opportunity to cash”." in " ".join(
        product.open("/start").locator("#others-start").inner_text().split())
    product.shot("start")
    product.open("/start/handover_package")
    assert "Only Sales can start a “Handover three-piece package”." in product.page.locator(".notice.bad").inner_text()


def test_a_colleague_opening_a_task_someone_holds_reads_who_holds_it(person, library):
    project = library.won_project()  # the rep's own first task, in the Sales lane
    task = next(t for t in open_tasks(library.services, project))
    colleague = person("rep2")
    page = colleague.open(f"/tasks/{task.id}")
    assert "Rita Patel (Sales rep) holds this task: only they can submit it." in page.inner_text("#held-by")
    assert page.locator("#submit").count() == 0
    assert "ACME Education" not in page.inner_text("main").split("·", 1)[1]  # the project's data is not theirs (R6)
    assert page.locator("#task-form, #task-context").count() == 0
    colleague.shot("held-by-someone-else")
