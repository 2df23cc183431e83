"""``followthrough config check|path``: validate the config without touching the network."""

from __future__ import annotations

import argparse
import sys

from followthrough.cli.base import (
    add_json_flag,
    common_options,
    load,
    print_json,
    resolved_config_path,
)
from followthrough.config.durations import format_duration
from followthrough.config.permissions import exposed_secrets


def _check(args: argparse.Namespace) -> int:
    config = load(args)
    summary = {
        "file": str(config.path),
        "state_dir": str(config.state_dir),
        "accounts": [{"name": a.name, "host": a.host, "port": a.port, "security": a.security,
                      "addresses": list(a.addresses), "review_folder": a.review_folder}
                     for a in config.accounts],
        "groups": len(config.groups),
        "contacts": len(config.contacts),
        "default_cadence": format_duration(config.cadence.default),
    }
    exposed = exposed_secrets(config)
    summary["warnings"] = [exposed] if exposed else []
    if exposed:
        print(f"warning: {exposed}", file=sys.stderr)
    if args.json:
        print_json(summary)
        return 0
    print(f"{config.path}: ok")
    print(f"  state in {config.state_dir}")
    for account in config.accounts:
        print(f"  account {account.name}: {account.username} at {account.host}:{account.port} "
              f"({account.security}), drafts go to "
              + (repr(account.review_folder) if account.review_folder
                 else "your Drafts folder"))
    print(f"  cadence {format_duration(config.cadence.default)} by default, "
          f"{len(config.groups)} group(s), {len(config.contacts)} contact rule(s)")
    return 0


def _path(args: argparse.Namespace) -> int:
    print(resolved_config_path(args))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "config", help="check the config file",
        description="Inspect the configuration file. Nothing here touches the network.")
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", parents=[common_options()], help="validate the config file and summarise it",
        description="Validate the config file. Exits 2 and names each problem (file, key, "
                    "what is expected) when it is invalid.")
    add_json_flag(check)
    check.set_defaults(handler=_check)
    path = actions.add_parser("path", parents=[common_options()],
                              help="print which config file would be used",
                              description="Print the path of the config file in effect.")
    path.set_defaults(handler=_path)
