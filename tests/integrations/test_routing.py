"""Notification settings: who is reached through which channel, and mistakes named at start."""

from __future__ import annotations

import json

import pytest

from integrations.routing import Person, Routing, Target

RITA = Person(3, "rep", "rita@handoff.example", ("sales", "technical-sales"))
FEMI = Person(10, "finance", "femi@handoff.example", ("finance",))
HOOK = {"url": "https://chat.example/hooks/finance", "secret": "s" * 24}


def test_without_settings_everybody_is_told_in_app_only():
    assert Routing().targets(RITA) == [Target("inapp", None, RITA.id)]


def test_a_person_gets_their_own_channels_and_their_groups_channels():
    routing = Routing.from_mapping({
        "users": {"rep": {"channels": ["email"], "email": "rita.patel@acme.test"}},
        "groups": {"sales": {"channels": ["inapp", "webhook"], "webhook": HOOK}}})
    assert routing.targets(RITA) == [Target("email", "rita.patel@acme.test", RITA.id),
                                     Target("inapp", None, RITA.id), Target("webhook", "groups/sales", None)]
    assert routing.targets(FEMI) == [Target("inapp", None, FEMI.id)]  # no entry: the default
    assert routing.endpoint("groups/sales").url == HOOK["url"]


def test_a_group_mailbox_is_one_address_and_members_without_one_use_their_own():
    routing = Routing.from_mapping({"groups": {"finance": {"channels": ["email"], "email": "ap@acme.test"},
                                               "sales": {"channels": ["email"]}}})
    assert routing.targets(FEMI) == [Target("email", "ap@acme.test", None)]
    assert routing.targets(RITA) == [Target("email", "rita@handoff.example", RITA.id)]
    assert Target("email", "AP@acme.test", None).key == routing.targets(FEMI)[0].key  # one mail per event


def test_someone_without_an_address_is_told_in_app_instead_of_not_at_all():
    routing = Routing.from_mapping({"default": ["email"]})
    assert routing.targets(Person(5, "legal", None)) == [Target("inapp", None, 5)]


def test_a_channel_the_diagram_insists_on_wins_over_the_settings():
    routing = Routing.from_mapping({"users": {"rep": {"channels": ["webhook"], "webhook": HOOK}}})
    assert routing.targets(RITA, only="email") == [Target("email", "rita@handoff.example", RITA.id)]
    assert routing.targets(RITA, only="inapp") == [Target("inapp", None, RITA.id)]
    assert routing.targets(RITA, only="webhook") == [Target("webhook", "users/rep", RITA.id)]
    assert routing.targets(RITA, only="crm") == [Target("crm", None, RITA.id)]


@pytest.mark.parametrize(("settings", "message"), [
    ({"groups": {"finance": {"channels": ["sms"]}}},
     "notification settings: groups.finance.channels.0: 'sms' is not one of"),
    ({"users": {"rep": {"channels": ["webhook"]}}}, "users.rep: the webhook channel needs a 'webhook' with a url"),
    ({"users": {"rep": {"channels": ["email"], "email": "not an address"}}},
     "users.rep.email: 'not an address' does not match"),
    ({"groups": {"x": {"channels": ["webhook"], "webhook": {"url": "ftp://x", "secret": "s" * 24}}}},
     "groups.x.webhook.url: 'ftp://x' does not match"),
    ({"groups": {"x": {"channels": ["webhook"], "webhook": {"url": "https://x", "secret_env": "NOT_SET_HERE"}}}},
     "groups.x.webhook: $NOT_SET_HERE is not set"),
    ({"people": {}}, "(top): Additional properties are not allowed ('people' was unexpected)"),
    ({"default": ["webhook"]}, "default.0: 'webhook' is not one of ['inapp', 'email']"),
])
def test_a_mistake_in_the_settings_is_named_with_its_place(settings, message):
    with pytest.raises(ValueError) as refused:
        Routing.from_mapping(settings, env={})
    assert message in str(refused.value)


def test_settings_are_read_from_json_or_toml_and_a_broken_file_names_itself(tmp_path):
    toml = tmp_path / "notify.toml"
    toml.write_text('[users.rep]\nchannels = ["inapp", "email"]\nemail = "rita.patel@acme.test"\n')
    assert Routing.load(toml).targets(RITA)[1] == Target("email", "rita.patel@acme.test", RITA.id)
    broken = tmp_path / "notify.json"
    broken.write_text(json.dumps({"users": {}})[:-1])
    with pytest.raises(ValueError, match=r"HANDOFF_NOTIFY_CONFIG .*notify.json: Expecting"):
        Routing.load(broken)
    with pytest.raises(ValueError, match="No such file"):
        Routing.load(tmp_path / "missing.json")
