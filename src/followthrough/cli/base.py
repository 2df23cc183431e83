"""What every command handler receives, and helpers shared by commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from followthrough.config.model import Config, load_config
from followthrough.config.paths import config_path
from followthrough.errors import FollowthroughError

Handler = Callable[[argparse.Namespace], int]

LOG_LEVELS = ("debug", "info", "warning", "error")


def common_options() -> argparse.ArgumentParser:
    """--config and --log-level, accepted after the command name too."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config file to use")
    parent.add_argument("--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS,
                        help="how much to log on stderr")
    return parent


def resolved_config_path(args: argparse.Namespace) -> Path:
    return config_path(getattr(args, "config", None))


def load(args: argparse.Namespace) -> Config:
    """The validated config named by --config / $FOLLOWTHROUGH_CONFIG / XDG default."""
    return load_config(resolved_config_path(args))


def print_json(value: object) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def add_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
                handler: Handler, help: str, description: str) -> argparse.ArgumentParser:
    """A subcommand with the common options and its handler."""
    parser = subparsers.add_parser(name, parents=[common_options()], help=help,
                                   description=description)
    parser.set_defaults(handler=handler)
    return parser


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def parse_now(text: str | None) -> datetime:
    """--now: an ISO date or date-time; without a zone it is local time."""
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FollowthroughError(f"--now {text!r} is not a date or time; expected e.g. "
                                 "2026-03-20 or 2026-03-20T08:30") from None
    return value if value.tzinfo else value.astimezone()


def add_now_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", metavar="T",
                        help="act as if it were this moment (ISO date or date-time)")
