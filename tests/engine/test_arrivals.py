"""When a task arrives, read from the diagram (issue 11): the person's task or the start just before it, and the
way back of a revision loop told apart from the way in."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.engine.arrivals import Before, arrivals
from service.engine.bundle import read_tree, split_bundles
from service.engine.library import parse_bundle

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library() -> dict[str, dict[str, object]]:
    """Process id -> task name -> its arrival, for the real library."""
    return {bundle.process_id: {a.name: a for a in arrivals(parse_bundle(bundle))}
            for bundle in split_bundles(read_tree(REPO))}


def test_legal_review_comes_after_the_reps_submission_and_again_after_a_revision(library):
    review = library["project_lifecycle"]["Legal review of the contract"]
    assert review.groups == ("legal",)
    assert review.before == (Before("task", "Submit the contract for review", ("sales",)),
                             Before("task", "Revise the contract (see the reasons)", ("sales",), again=True))


def test_candidate_groups_named_in_the_diagram_win_over_the_lane(library):
    assert library["contract_cosign"]["Delivery review: can we deliver these terms?"].groups == ("delivery",)


def test_a_loop_back_is_again_and_the_step_before_is_the_way_in(library):
    implementation = library["project_lifecycle"]["Run the implementation"]
    assert implementation.before == (Before("step", "Handover three-piece package"),
                                     Before("task", "Record the UAT results", ("delivery",), again=True))
    uat = library["project_lifecycle"]["Record the UAT results"]
    assert uat.before == (Before("task", "Run the implementation", ("delivery",)),)


def test_the_first_tasks_of_a_process_come_when_its_start_lane_starts_it(library):
    freeze = library["requirement_freeze"]
    for name in ("Estimate the development workload", "Draft the supplementary contract terms",
                 "Define the staged payment ratios"):
        assert freeze[name].before == (Before("start", "Cross-department requirement freeze (R5)", ("sales",)),)
