"""A flow's sentence kept in a payload as {msgid, params} reads in each reader's language; marshmallow's
sentences are recognised whatever their numbers."""

from __future__ import annotations

import json

from service.api.validation_words import translate_all
from service.i18n import Text, localized, render, text_from, text_json


def test_a_text_survives_json_and_renders_per_reader():
    subject = Text("%(customer)s changed: %(fields)s", customer="ACME", fields=[Text("Budget"), Text("Industry")])
    payload = json.loads(json.dumps({"subject": str(subject), "subject_text": text_json(subject)}))
    assert payload["subject"] == "ACME changed: Budget, Industry"
    assert text_from(payload) == subject
    assert localized(payload, "subject", "zh-CN") == "ACME 有变更：预算、行业"
    assert localized(payload, "subject", "en") == "ACME changed: Budget, Industry"


def test_without_a_text_the_diagrams_translation_then_the_english_is_read():
    payload = {"subject": "Contract ready", "subjects": {"zh-CN": "合同已就绪"}}
    assert text_from(payload) is None
    assert localized(payload, "subject", "zh-CN") == "合同已就绪"
    assert localized(payload, "subject", "en") == "Contract ready"
    assert localized({"subject": "Plain"}, "subject", "zh-CN") == "Plain"


def test_marshmallow_messages_are_translated_with_their_numbers_and_unknown_ones_kept():
    messages = {"name": ["Length must be between 1 and 200."], "n": ["Must be greater than or equal to 1."],
                "kind": ["Must be one of: a, b."], "x": {"0": ["Not a valid integer."]}, "y": ["Our own words."]}
    zh = translate_all(messages, lambda text: render(text, "zh-CN"))
    assert zh == {"name": ["长度必须在 1 到 200 之间。"], "n": ["必须大于或等于 1。"],
                  "kind": ["必须是以下之一：a, b。"], "x": {"0": ["不是有效的整数。"]}, "y": ["Our own words."]}
    assert translate_all(messages, lambda text: render(text, "en")) == messages
