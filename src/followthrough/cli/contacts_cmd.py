"""``followthrough contacts`` and ``followthrough show ADDRESS``: what the history holds."""

from __future__ import annotations

import argparse
import sqlite3
from dataclasses import asdict

from followthrough.checkins.relationship import no_relationship, relationship
from followthrough.cli.base import (
    add_command,
    add_json_flag,
    add_now_flag,
    load,
    parse_now,
    print_json,
)
from followthrough.config.model import Config
from followthrough.errors import FollowthroughError
from followthrough.mail.addresses import OwnAddresses, normalize
from followthrough.state.checkin_store import CheckinStore
from followthrough.state.history import Contact, History
from followthrough.state.store import Store


def _own(config: Config) -> OwnAddresses:
    return OwnAddresses(a for account in config.accounts for a in account.addresses)


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "-"


def _contacts(args: argparse.Namespace) -> int:
    config = load(args)
    now = parse_now(args.now)
    with Store.open(config.state_dir, write=False) as store:
        contacts = History(store).contacts(_own(config))
        exchanges = CheckinStore(store).exchanges(_own(config))
    if not args.all:
        contacts = [c for c in contacts if not c.automated]
    bonds = {c.address: no_relationship(c.automated_reason) if c.automated
             else relationship(exchanges.get(c.address, []), now) for c in contacts}
    if args.json:
        print_json([asdict(c) | {"relationship": bonds[c.address].score,
                                 "relationship_reasons": bonds[c.address].reasons}
                    for c in contacts])
        return 0
    print(f"{'address':40} {'name':24} {'in':>5} {'out':>5}  {'last in':10}  {'last out':10}"
          "  relationship")
    for c in contacts:
        bond = bonds[c.address]
        print(f"{c.address[:40]:40} {c.name[:24]:24} {c.inbound:5d} {c.outbound:5d}  "
              f"{_day(c.last_inbound):10}  {_day(c.last_outbound):10}  {bond.score:.2f}: "
              f"{bond.reasons}")
    return 0


def _find(contacts: list[Contact], address: str) -> Contact:
    for contact in contacts:
        if contact.address == address:
            return contact
    raise FollowthroughError(f"no history with {address}; `followthrough contacts` lists "
                             "the known addresses")


def _show(args: argparse.Namespace) -> int:
    config = load(args)
    address = normalize(args.address)
    if not address:
        raise FollowthroughError(f"{args.address!r} is not an email address")
    with Store.open(config.state_dir, write=False) as store:
        history = History(store)
        contact = _find(history.contacts(_own(config)), address)
        messages = history.contact_messages(address)
        items = history.items_of([m["id"] for m in messages])
    if args.json:
        print_json({**asdict(contact), "messages": [
            {**dict(m), "items": [dict(i) for i in items.get(m["id"], [])]} for m in messages]})
        return 0
    print(f"{contact.name or contact.address} <{contact.address}>"
          + (f"  ({contact.automated_reason or 'automated sender'})"
             if contact.automated else ""))
    print(f"  {contact.inbound} received (first {_day(contact.first_inbound)}, last "
          f"{_day(contact.last_inbound)}), {contact.outbound} sent (first "
          f"{_day(contact.first_outbound)}, last {_day(contact.last_outbound)})")
    threads: dict[str, list[sqlite3.Row]] = {}
    for row in messages:
        threads.setdefault(row["thread_key"], []).append(row)
    for thread in threads.values():
        latest = thread[0]
        print(f"\n  {latest['subject'] or '(no subject)'}  — {len(thread)} message(s), "
              f"last {_day(latest['date'])}")
        for row in thread:
            arrow = "→" if row["direction"] == "out" else "←"
            print(f"    {_day(row['date'])} {arrow} {row['subject']}")
            for item in items.get(row["id"], []):
                due = f", due {item['due']}" if item["due"] else ""
                print(f"        {item['kind']} ({item['holder']}{due}): {item['summary']}")
                print(f"          “{item['evidence']}”")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "contacts", _contacts, "list the people in your mail history",
        "List every counterpart in the synced history: message counts in and "
        "out, the dates of the last ones and the relationship score with its "
        "reasons. Automated senders and addresses that are not a person (pagers, "
        "phone numbers, text-message gateways, role addresses such as info@) are "
        "hidden unless --all, which shows why.")
    parser.add_argument("--all", action="store_true",
                        help="include automated senders and addresses that are not a person")
    add_now_flag(parser)
    add_json_flag(parser)
    show = add_command(
        subparsers, "show", _show, "one contact's history",
        "Show the threads exchanged with one contact and what was remembered "
        "from each message.")
    show.add_argument("address", help="the contact's email address")
    add_json_flag(show)
