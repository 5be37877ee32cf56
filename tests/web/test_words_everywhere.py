"""Every page a person reads, walked as each demo person over the demo's projects: no internal word shows.

Internal words are built from what ships (tests/web/internal_words.py): data keys and enum values of
the forms, element ids of the diagrams, usernames, Python literals, full hashes, ISO stamps, rule ids.
"""

from __future__ import annotations

import re

import pytest

from service.demo import PEOPLE
from service.demo_projects import seed_projects
from tests.web.internal_words import internal_words_in

# Not walked: /designer and /admin/people, whose readers work with process ids and usernames on purpose.
PAGES = ["/projects", "/dashboard", "/operations", "/operations/deliveries", "/operations/migrations",
         "/admin/customers", "/admin/knowledge-base", "/tasks", "/inbox"]
SHOT_PAGES = {"/projects": "projects", "/dashboard": "dashboard"}


@pytest.fixture
def demo(services, library):
    """The demo's twelve projects, replayed over the last 40 days like `handoff demo` does."""
    seed_projects(services)
    return library


def visible_text(page) -> str:
    """What a person reads: rendered text only (a closed <details> keeps its raw facts out of it)."""
    return page.evaluate("() => document.body.innerText")


def walk(someone, path: str, problems: list[str], shot: str | None = None) -> bool:
    response = someone.page.goto(f"{someone.base}{path}")
    if response is None or response.status in (403, 404):
        return False
    found = internal_words_in(visible_text(someone.page))
    if found:
        problems.append(f"{someone.username} on {path}: {', '.join(found)}")
    if shot:
        someone.shot(shot)
    return True


def test_no_page_shows_an_internal_word_to_any_demo_person(person, demo):
    problems: list[str] = []
    for username, *_ in PEOPLE:
        someone = person(username, time_zone="Europe/Berlin")
        for path in PAGES:
            walk(someone, path, problems, SHOT_PAGES.get(path))
        someone.open("/projects")
        links = someone.page.eval_on_selector_all(
            "a[href^='/instances/']", "links => links.map(a => a.getAttribute('href'))")
        projects = sorted({int(m.group(1)) for link in links if (m := re.fullmatch(r"/instances/(\d+)", link))})
        everyone = username == "vp"
        for project in projects if everyone else projects[-2:]:
            walk(someone, f"/instances/{project}", problems, f"instance-{project}" if everyone else None)
        if projects:
            walk(someone, f"/instances/{projects[-1]}/signatures", problems, "signatures")
    assert not problems, "internal words on the pages:\n" + "\n".join(problems)
