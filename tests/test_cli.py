"""The command line as a user meets it: help, exit codes, messages without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from followthrough.cli.main import build_parser, main

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "followthrough.example.toml"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "followthrough", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=60, check=False)


def test_help_lists_commands() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "config" in done.stdout and "--config PATH" in done.stdout


def _subcommand_paths() -> list[list[str]]:
    import argparse

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found += walk(sub, [*prefix, name])
        return found

    return walk(build_parser(), [])[1:]


@pytest.mark.parametrize("path", _subcommand_paths(), ids=" ".join)
def test_every_command_has_help(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: followthrough " + " ".join(path))
    assert len(out.splitlines()) > 3


def test_config_check_ok() -> None:
    done = run("--config", str(EXAMPLE), "config", "check")
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout and "account work" in done.stdout


def test_config_check_json_and_option_after_command() -> None:
    done = run("config", "check", "--json", "--config", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accounts"][0]["name"] == "work"


def test_config_from_environment(tmp_path: Path) -> None:
    done = run("config", "path", env={"FOLLOWTHROUGH_CONFIG": str(tmp_path / "c.toml")})
    assert done.stdout.strip() == str(tmp_path / "c.toml")


def test_config_from_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "FOLLOWTHROUGH_CONFIG": ""}
    done = run("config", "path", env=env)
    assert done.stdout.strip() == str(tmp_path / "followthrough" / "config.toml")


def test_bad_config_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("[cadence]", "[cadance]")
                   .replace('sync_every = "5m"', 'sync_every = "5 minutes"'))
    done = run("--config", str(bad), "config", "check")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2, done.stderr
    assert all(line.startswith(f"error: {bad}: ") for line in lines)
    assert "Traceback" not in done.stderr
    assert any("cadance: is not a known setting" in line for line in lines)
    assert any("schedule.sync_every" in line for line in lines)
