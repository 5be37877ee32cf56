"""The team-chat entries of the notification settings: what is accepted, and mistakes named at start."""

from __future__ import annotations

import pytest

from integrations.routing import Person, Routing

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"
DING = "https://oapi.dingtalk.com/robot/send?access_token=tok"
APP = {"corp_id": "ww1", "agent_id": 1000002, "secret_env": "APP_SECRET"}


def _load(groups: dict, env: dict | None = None) -> Routing:
    return Routing.from_mapping({"groups": groups}, "notify.json", env or {})


def test_every_chat_kind_is_accepted_with_its_locale_and_secrets():
    routing = _load({"sales": {"channels": ["wecom", "wecom_app", "dingtalk", "feishu", "slack", "teams"],
                               "locale": "zh-CN", "wecom": {"url": WECOM}, "wecom_app": APP,
                               "dingtalk": {"url": DING, "secret_env": "DING", "locale": "en"},
                               "feishu": {"url": "https://open.feishu.cn/open-apis/bot/v2/hook/x", "secret": "s" * 8},
                               "slack": {"url": "https://hooks.slack.com/services/T/B/x"},
                               "teams": {"url": "https://acme.webhook.office.com/x"}}},
                    {"APP_SECRET": "app-secret", "DING": "SECding"})
    assert routing.chat("groups/sales", "wecom").locale == "zh-CN"  # the entry's
    assert routing.chat("groups/sales", "dingtalk").locale == "en"  # the chat's own
    assert routing.chat("groups/sales", "dingtalk").secret == "SECding"
    app = routing.chat("groups/sales", "wecom_app")
    assert (app.url, app.secret, dict(app.options)) == ("https://qyapi.weixin.qq.com", "app-secret",
                                                       {"corp_id": "ww1", "agent_id": "1000002"})


def test_a_group_robot_gets_one_delivery_and_a_group_app_one_per_person():
    routing = _load({"sales": {"channels": ["wecom", "wecom_app"], "wecom": {"url": WECOM}, "wecom_app": APP}},
                    {"APP_SECRET": "x"})
    rita, ravi = Person(1, "rep", None, ("sales",)), Person(2, "rep2", None, ("sales",))
    targets = {t.key: t for p in (rita, ravi) for t in routing.targets(p)}
    assert sorted((t.channel, t.address, t.user_id) for t in targets.values()) == [
        ("wecom", "groups/sales", None), ("wecom_app", "groups/sales", 1), ("wecom_app", "groups/sales", 2)]


@pytest.mark.parametrize(("groups", "env", "named"), [
    ({"g": {"channels": ["wecom"], "wecom": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}}}, {},
     "notify.json: groups.g.wecom.url: "),
    ({"g": {"channels": ["wecom"]}}, {}, "notify.json: groups.g: the wecom channel needs a 'wecom' with a url"),
    ({"g": {"channels": ["dingtalk"], "dingtalk": {"url": DING, "secret_env": "NOPE"}}}, {},
     "notify.json: groups.g.dingtalk: $NOPE is not set"),
    ({"g": {"channels": ["dingtalk"], "dingtalk": {"url": "https://oapi.dingtalk.com/robot/send"}}}, {},
     "notify.json: groups.g.dingtalk.url: "),
    ({"g": {"channels": ["wecom_app"], "wecom_app": {"corp_id": "ww1", "agent_id": 1}}}, {},
     "notify.json: groups.g.wecom_app: "),
    ({"g": {"channels": ["wecom"], "wecom": {"url": WECOM, "locale": "fr"}}}, {}, "notify.json: groups.g.wecom.locale"),
    ({"g": {"channels": ["wecom"], "wecom": {"url": WECOM, "token": "x"}}}, {}, "notify.json: groups.g.wecom: "),
    ({"g": {"channels": ["wechat"]}}, {}, "notify.json: groups.g.channels.0: "),
])
def test_a_mistake_stops_the_start_naming_the_key(groups, env, named):
    with pytest.raises(ValueError) as error:
        _load(groups, env)
    assert str(error.value).startswith(named)
