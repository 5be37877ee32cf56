"""A form's validation errors name its fields as the reader's language titles them.

The flows word each error from the English form and from each translation of it (same rules, same
paths); the reader's language picks: "客户名称 为必填项", not "Customer name 为必填项".
"""

from __future__ import annotations

import pytest

from service.flows import forms, instances
from service.flows.errors import FormInvalid


def test_a_start_form_error_names_the_field_by_its_chinese_title(services, library):
    with pytest.raises(FormInvalid) as refused:
        instances.start_process(services, "project_lifecycle", {"customer_id": library.customer_id},
                                actor_id=library.people["rep"])
    [text] = refused.value.error_texts["customer"]
    assert text.render("zh-CN") == "客户名称 为必填项"
    assert text.render("en") == str(text) == "Customer name is required"
    assert refused.value.errors == {"customer": ["Customer name is required"]}  # the English, as documented


def test_without_a_translation_the_english_titles_are_kept():
    schema = {"type": "object", "required": ["product"], "properties": {"product": {"type": "string",
                                                                                    "title": "Product"}}}
    with pytest.raises(FormInvalid) as refused:
        forms.validate(schema, {}, lambda locale: schema)
    [text] = refused.value.error_texts["product"]
    assert text.render("zh-CN") == "Product 为必填项"
