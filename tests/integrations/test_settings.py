"""Mail and finance settings from the environment: sensible defaults, and a wrong value named at start."""

from __future__ import annotations

import pytest

from service.config import Config, FinanceSettings, SmtpSettings


def test_no_smtp_host_means_no_email_and_the_tls_mode_picks_the_port():
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"HANDOFF_SMTP_HOST": "smtp.acme.test"}).port == 587
    ssl = SmtpSettings.from_env({"HANDOFF_SMTP_HOST": "smtp.acme.test", "HANDOFF_SMTP_TLS": "SSL"})
    assert (ssl.tls, ssl.port) == ("ssl", 465)


def test_config_reads_the_base_url_the_settings_file_and_the_finance_transports(tmp_path):
    config = Config.from_env({"HANDOFF_DATA_DIR": str(tmp_path), "HANDOFF_BASE_URL": "https://handoff.acme.test/",
                              "HANDOFF_NOTIFY_CONFIG": "notify.toml", "HANDOFF_FINANCE_TRANSPORTS": "file, webhook",
                              "HANDOFF_FINANCE_WEBHOOK_URL": "https://erp.acme.test/in",
                              "HANDOFF_FINANCE_WEBHOOK_SECRET": "s" * 20})
    assert config.base_url == "https://handoff.acme.test"
    assert config.notify_config.name == "notify.toml" and config.notify_config.is_absolute()
    assert config.finance.transports == ("file", "webhook")
    assert config.finance_drop_dir == tmp_path / "finance-drop"
    assert Config.from_env({"HANDOFF_DATA_DIR": str(tmp_path)}).finance.transports == ("file",)


@pytest.mark.parametrize(("env", "message"), [
    ({"HANDOFF_SMTP_HOST": "h", "HANDOFF_SMTP_TLS": "maybe"}, "HANDOFF_SMTP_TLS must be one of starttls, ssl, none"),
    ({"HANDOFF_SMTP_HOST": "h", "HANDOFF_SMTP_PORT": "smtp"}, "HANDOFF_SMTP_PORT must be a number, not 'smtp'"),
    ({"HANDOFF_WEBHOOK_TIMEOUT": "-1"}, "HANDOFF_WEBHOOK_TIMEOUT must be positive"),
    ({"HANDOFF_FINANCE_TRANSPORTS": "ftp"}, "HANDOFF_FINANCE_TRANSPORTS: unknown ftp (choose from file, webhook)"),
    ({"HANDOFF_FINANCE_TRANSPORTS": "webhook"}, "the finance webhook needs HANDOFF_FINANCE_WEBHOOK_URL"),
])
def test_a_wrong_setting_is_refused_with_its_name(env, message):
    with pytest.raises(ValueError) as refused:
        Config.from_env(env)
    assert message in str(refused.value)


def test_finance_settings_default_to_the_file_drop_only_and_secrets_stay_out_of_logs():
    assert FinanceSettings() == FinanceSettings(("file",), None, None, None)
    finance = FinanceSettings(("webhook",), None, "https://erp.acme.test/in", "finance-secret-value")
    smtp = SmtpSettings("smtp.acme.test", password="smtp-password-value")
    assert "finance-secret-value" not in repr(finance) and "smtp-password-value" not in repr(smtp)
