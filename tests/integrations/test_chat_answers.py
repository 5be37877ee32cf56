"""Reading a chat receiver's answer: the wait it asks for and the words it refused with, whatever the form."""

from __future__ import annotations

import pytest

from integrations.chat.answers import REASON_LIMIT, by_status, retry_after_s, words
from integrations.chat.model import Permanent, Transient


def test_retry_after_in_seconds_in_any_header_case():
    assert retry_after_s({"retry-after": "30"}) == 30
    assert retry_after_s({"RETRY-AFTER": " 1.5 "}) == 1.5
    assert retry_after_s({}) is None


def test_retry_after_as_a_date_is_measured_against_the_answers_own_date():
    headers = {"Retry-After": "Mon, 06 Apr 2026 09:31:00 GMT", "Date": "Mon, 06 Apr 2026 09:30:15 GMT"}
    assert retry_after_s(headers) == 45
    assert retry_after_s({"Retry-After": "Mon, 06 Apr 2026 09:31:00 GMT"}) is None  # no Date: no wait known
    assert retry_after_s({"Retry-After": "soon"}) is None


def test_the_first_header_given_that_says_a_wait_wins():
    assert retry_after_s({"x-ogw-ratelimit-reset": "7"}, "Retry-After", "x-ogw-ratelimit-reset") == 7


def test_the_receivers_words_are_one_line_and_bounded():
    assert words(b"channel_is_archived\n") == "channel_is_archived"
    assert words(b"") == "(no body)"
    assert len(words(b"x" * 5000)) == REASON_LIMIT
    assert words("渠道已归档".encode()) == "渠道已归档"


@pytest.mark.parametrize("status, error", [(200, None), (202, None), (408, Transient), (429, Transient),
                                           (500, Transient), (503, Transient), (400, Permanent),
                                           (404, Permanent), (410, Permanent)])
def test_a_plain_http_receivers_status_means(status, error):
    if error is None:
        by_status("Chat", status, b"", {})
    else:
        with pytest.raises(error, match=f"Chat HTTP {status}"):
            by_status("Chat", status, b"nope", {"Retry-After": "3"})
