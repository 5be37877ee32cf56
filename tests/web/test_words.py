"""The words a page shows for stored data come from the forms: titles, option titles, Yes/No, never `None`."""

from service.web.words import field_words, humanize, part_of, title_of, value_text

FORM = {
    "type": "object",
    "properties": {
        "invoice_type": {"type": "string", "title": "Invoice type", "enum": ["vat_special", "receipt"],
                         "x-enum-titles": {"vat_special": "VAT special invoice", "receipt": "Receipt"}},
        "legal_approved": {"type": "boolean", "title": "Your decision",
                           "x-enum-titles": {"true": "Approve", "false": "Request changes"}},
        "channel": {"type": "string", "oneOf": [{"const": "email", "title": "E-mail"}]},
        "plan": {"type": "string", "enum": ["a", "b"], "options": {"enum_titles": ["Plan A", "Plan B"]}},
        "items": {"type": "array", "items": {"type": "object", "properties": {"qty": {"title": "Quantity"}}}},
    },
}


def test_titles_and_option_words_come_from_the_form():
    words = field_words(FORM)
    assert title_of(words, "invoice_type") == "Invoice type"
    assert title_of(words, "special_acceptance_terms") == "Special acceptance terms"
    assert value_text(part_of(words, "invoice_type"), "vat_special") == "VAT special invoice"
    assert value_text(part_of(words, "legal_approved"), False) == "Request changes"
    assert value_text(part_of(words, "channel"), "email") == "E-mail"
    assert value_text(part_of(words, "plan"), "b") == "Plan B"
    assert title_of(part_of(words, "items").item, "qty") == "Quantity"


def test_scalars_without_words_never_read_as_python():
    assert value_text(None, None) == "—"
    assert value_text(None, True) == "Yes"
    assert value_text(None, 120000) == "120,000"
    assert value_text(None, 120000.0) == "120,000"
    assert humanize("open_items") == "Open items"
