"""The ``followthrough`` command line: parse arguments, run a command, turn errors into text."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence

from followthrough import __version__
from followthrough.cli import (
    checkin_cmds,
    config_cmd,
    contacts_cmd,
    extract_cmd,
    ops_cmds,
    sync_cmd,
)
from followthrough.cli.base import LOG_LEVELS
from followthrough.config.paths import CONFIG_ENV
from followthrough.errors import ConfigError, FollowthroughError, StateError
from followthrough.service.logs import setup_logging
from followthrough.state.store import translate

COMMANDS = (config_cmd, ops_cmds, sync_cmd, checkin_cmds, contacts_cmd, extract_cmd)

log = logging.getLogger("followthrough")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="followthrough",
        description="A local-first follow-up assistant: it reads your mailbox over IMAP, "
                    "remembers what each contact said, and writes check-in drafts into a "
                    "review folder of that mailbox. It never sends mail and never changes it.",
        epilog="Run `followthrough COMMAND --help` for the options of each command.")
    parser.add_argument("--version", action="version", version=f"followthrough {__version__}")
    parser.add_argument(
        "--config", metavar="PATH",
        help=f"config file (default: ${CONFIG_ENV}, else "
             "$XDG_CONFIG_HOME/followthrough/config.toml)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info",
                        help="how much to log on stderr (default: info)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.log_level)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return exc.exit_code
    except FollowthroughError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except sqlite3.Error as exc:  # the state database failed outside a transaction
        error = translate(None, exc) or StateError(
            f"the state database failed ({exc}); run `followthrough doctor`")
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
