"""Browser tests: the real app served on a loopback port, driven by Playwright in Debian's Chromium.

The server runs in this process, so freezegun moves its clock together with the RQ jobs
that `run_jobs` runs here; Playwright's own event loop is told to ignore freezegun.
Each test leaves a full-page screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import freezegun
import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.demo import seed_people
from tests.library import make_library

CHROMIUM = os.environ.get("HANDOFF_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password"

freezegun.configure(extend_ignore_list=["playwright", "asyncio", "greenlet"])
sync_api = pytest.importorskip("playwright.sync_api", reason="the dev extras install Playwright")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium (`./dev test` does it with apt)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def library(services):
    built = make_library(services)
    with services.sessions() as session:
        seed_people(session, PASSWORD)  # gives the seeded people a password to log in with
        session.commit()
    return built


@pytest.fixture
def live_server(services, library):
    """The whole app (pages and API) on an ephemeral loopback port, for as long as the test runs."""
    app = create_app(services.config, services)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


# Reports every Content-Security-Policy violation of the page to the console, where `watch_csp` collects it
# (a list in the page would be lost at the next navigation).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
  + ` at ${event.sourceFile}:${event.lineNumber}`));
"""


def watch_csp(page, problems: list[str]) -> None:
    """Collects CSP violations (the event, and the browser's own "Refused to ..." console errors) into
    `problems`: a page that needs what the policy forbids fails its test, even when it still looks right."""
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
            if message.type == "error" and ("Refused to" in message.text or "CSP violation" in message.text)
            else None)


class Person:
    """One person's browser tab: log in, go to pages, and keep a screenshot of what they saw."""

    def __init__(self, context, base: str, username: str, shots: Path):
        self.page = page = context.new_page()
        self.base, self.username, self.shots = base, username, shots
        self.errors: list[str] = []
        self.csp_violations: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        watch_csp(page, self.csp_violations)
        page.set_default_timeout(15000)

    def login(self) -> Person:
        self.page.goto(f"{self.base}/login")
        self.page.fill("input[name=username]", self.username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button:has-text('Log in')")
        self.page.wait_for_url(f"{self.base}/tasks")
        return self

    def open(self, path: str):
        self.page.goto(f"{self.base}{path}")
        return self.page

    def shot(self, name: str) -> None:
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{self.username}-{name}.png"), full_page=True)


@pytest.fixture
def person(browser, live_server, request):
    """`person("rep")` opens a logged-in tab in its own browser context (its own cookies)."""
    contexts, people = [], []
    backend = os.environ.get("HANDOFF_TEST_DB", "sqlite")
    shots = ARTIFACTS / backend / request.node.name

    def open_as(username: str, time_zone: str = "UTC") -> Person:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, timezone_id=time_zone)
        contexts.append(context)
        people.append(Person(context, live_server, username, shots))
        return people[-1].login()

    yield open_as
    for someone in people:
        someone.shot("last")
    for context in contexts:
        context.close()
    errors = [f"{p.username}: {e}" for p in people for e in p.errors]
    assert not errors, f"JavaScript errors on the pages: {errors}"
    violations = [f"{p.username}: {v}" for p in people for v in p.csp_violations]
    assert not violations, f"the Content-Security-Policy refused something the pages need: {violations}"


def settle(page) -> None:
    """Lets the form finish what a choice set off (json-editor rebuilds a form whose if/then changed on the
    next animation frames): a person does not type within those milliseconds, Playwright does."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def claim(someone: Person, task_name: str):
    """From my tasks, claims the group task named `task_name` and waits for its form."""
    page = someone.open("/tasks")
    page.locator("tr", has_text=task_name).locator("button:has-text('Claim')").click()
    page.wait_for_selector("#task-form[data-ready=yes]")
    return page


def open_task(someone: Person, task_name: str):
    """From my tasks, opens a task already mine and waits for its form."""
    page = someone.open("/tasks")
    page.click(f"table.tasks a:has-text('{task_name}')")
    page.wait_for_selector("#task-form[data-ready=yes]")
    return page


def pytest_collection_modifyitems(items):
    for item in items:
        if "person" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
