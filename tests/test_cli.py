"""The `handoff` command as a designer and an operator use it."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from service.cli import main
from tests.support import FIXTURES


def test_bpmn_validate_passes_a_clean_file_with_exit_0():
    result = CliRunner().invoke(main, ["bpmn", "validate", str(FIXTURES / "bpmn" / "timers.bpmn")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_bpmn_validate_prints_file_line_and_element_and_exits_1(tmp_path):
    broken = tmp_path / "bpmn" / "late.bpmn"
    broken.parent.mkdir()
    (tmp_path / "forms").symlink_to(FIXTURES / "forms")
    source = (FIXTURES / "bpmn" / "timers.bpmn").read_text().replace('"PT72H"', "PT72Hours")
    broken.write_text(source)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "PT72Hours" in text)
    result = CliRunner().invoke(main, ["bpmn", "validate", str(broken)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(f"{broken}:{line}: review_deadline: ")
    assert "PT72Hours" in result.stdout


def test_db_upgrade_deploy_and_health_from_the_command_line(tmp_path, redis_url):
    env = {"HANDOFF_DATA_DIR": str(tmp_path), "REDIS_URL": redis_url, "PATH": "/usr/bin:/bin"}

    def handoff(*args):
        return subprocess.run([sys.executable, "-m", "service.cli", *args], env=env, cwd=FIXTURES.parent.parent.parent,
                              capture_output=True, text=True, timeout=120)

    assert handoff("db", "upgrade").returncode == 0
    deployed = handoff("bpmn", "deploy", str(FIXTURES))
    assert deployed.returncode == 0, deployed.stderr
    assert sorted(deployed.stdout.splitlines()) == ["timer_demo v1 deployed", "wait_then_finish v1 deployed"]
    again = handoff("bpmn", "deploy", str(FIXTURES))
    assert sorted(again.stdout.splitlines()) == ["timer_demo v1 unchanged", "wait_then_finish v1 unchanged"]
