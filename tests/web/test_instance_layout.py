"""The page of the demo's longest project: the timeline keeps to its column, its details open in place,
the page stays short (history folds), at 1280 and 1920 px."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.demo_projects import seed_projects
from service.store.models import AuditEvent

MAX_HEIGHT = 4000  # px; the unfolded page of this project was over 8,000


def overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_longest_project_reads_in_columns_that_do_not_overlap(person, services, library, width):
    seed_projects(services)
    with services.sessions() as session:
        longest = session.execute(select(AuditEvent.instance_id, func.count()).where(
            AuditEvent.instance_id.is_not(None)).group_by(AuditEvent.instance_id)
            .order_by(func.count().desc())).first()[0]
    vp = person("vp", time_zone="Europe/Berlin")
    page = vp.page
    page.set_viewport_size({"width": width, "height": 1000})
    vp.open(f"/instances/{longest}")
    page.wait_for_selector("#diagram[data-marked]")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    vp.shot(f"instance-{width}")
    assert height < MAX_HEIGHT, f"the page is {height} px tall"

    for toggle in page.locator("#timeline table.recent details.raw summary").all()[:5]:
        toggle.click()  # the raw facts open in place, inside the timeline's column
    page.click("#earlier-events > summary")
    vp.shot(f"instance-{width}-details-open")
    timeline = page.locator(".instance-main").bounding_box()
    side = page.locator(".instance-side").bounding_box()
    data = page.locator("#data").bounding_box()
    assert not overlap(timeline, side) and not overlap(timeline, data)
    right_edge = timeline["x"] + timeline["width"]
    for selector in ("#timeline table.recent", "#earlier-events table"):
        box = page.locator(selector).bounding_box()
        assert box["x"] + box["width"] <= right_edge + 1, "the timeline runs out of its column"
    cut = page.evaluate("""() => [...document.querySelectorAll('#timeline td')]
        .filter(td => td.scrollWidth > td.clientWidth + 1).map(td => td.innerText.slice(0, 60))""")
    assert not cut, f"timeline cells cut their text: {cut}"
    assert page.locator("#timeline table.recent tr.event").count() <= 12
    assert page.locator("#earlier-events tr.event").count() > 0
