"""Check-in commands: ``run``, ``due``, ``drafts``, ``explain``, ``snooze``."""

from __future__ import annotations

import argparse
import logging
from datetime import UTC, datetime

from followthrough.checkins.draft_changes import summary
from followthrough.checkins.drafting import evaluate, own_addresses, unwritable
from followthrough.checkins.item_status import ItemStatus
from followthrough.checkins.planning import Verdict, cadence_for
from followthrough.checkins.review_folder import plain_text
from followthrough.checkins.voice import greeting_name
from followthrough.cli.base import (
    add_command,
    add_json_flag,
    add_now_flag,
    load,
    parse_now,
    print_json,
    resolved_config_path,
)
from followthrough.config.durations import DurationError, format_duration, parse_duration
from followthrough.config.model import Config
from followthrough.errors import FollowthroughError
from followthrough.extraction.analysis_worker import ProcessAnalyser
from followthrough.mail.addresses import normalize
from followthrough.progress import Progress
from followthrough.service.cycle import run_cycle
from followthrough.service.daemon import Daemon
from followthrough.state.checkin_store import WAITING_STATES, CheckinStore
from followthrough.state.store import Store
from followthrough.state.voice_store import VoiceStore

log = logging.getLogger("followthrough")


def _when(value: datetime | None) -> str | None:
    return value.astimezone().isoformat(timespec="minutes") if value else None


# ---- run
def _cycle(config: Config, store: Store, analyser: ProcessAnalyser, now: datetime | None,
           as_json: bool = False) -> int:
    outcomes, report = run_cycle(config, store, now or datetime.now(UTC), analyser, Progress())
    if as_json:
        print_json({
            "accounts": [{"account": o.account, "error": o.error,
                          "new": o.report.new if o.report else 0} for o in outcomes],
            "sent": report.follow_up.sent, "edited": report.follow_up.edited,
            "dismissed": report.follow_up.dismissed,
            "recovered": report.follow_up.recovered, "note": report.note,
            "drafts": [{"address": d.address, "subject": d.subject, "reason": d.reason,
                        "message_id": d.message_id} for d in report.written]})
    else:
        for draft in report.written:
            print(f"draft for {draft.address} ({draft.reason}): {draft.subject}")
        if report.note:
            print(report.note)
    return 1 if any(o.error for o in outcomes) else 0


def _run(args: argparse.Namespace) -> int:
    config = load(args)
    with Store.open(config.state_dir) as store, ProcessAnalyser() as analyser:
        if args.once:
            return _cycle(config, store, analyser, parse_now(args.now), args.json)
        if args.now:
            raise FollowthroughError("--now goes with --once")
        daemon = Daemon(resolved_config_path(args), config, store, analyser)
        daemon.install_signal_handlers()
        return daemon.run()


# ---- due / explain
def _verdict_json(verdict: Verdict) -> dict[str, object]:
    checkin = verdict.checkin
    return {
        "address": verdict.address,
        "name": checkin.name if checkin else "",
        "due_since": _when(checkin.due_since) if checkin else None,
        "reason": checkin.reason if checkin else None,
        "cadence": format_duration(verdict.cadence),
        "unwritable": unwritable(verdict.address),
        "relationship": verdict.relationship.score if verdict.relationship else None,
        "relationship_reasons": verdict.relationship.reasons if verdict.relationship else None,
        "specific": checkin.specific if checkin else None,
        "items": [{"kind": i.kind, "whose": i.whose, "summary": i.summary,
                   "evidence": i.evidence, "said_on": _when(i.said_on), "subject": i.subject,
                   "due": i.due.isoformat() if i.due else None}
                  for i in (checkin.items if checkin else ())],
    }


def _due(args: argparse.Namespace) -> int:
    config = load(args)
    now = parse_now(args.now)
    with Store.open(config.state_dir, write=False) as store:
        verdicts = [v for v in evaluate(config, CheckinStore(store), now) if v.checkin]
    verdicts.sort(key=lambda v: v.checkin.sort_key() if v.checkin else (9, 0.0))
    if args.json:
        print_json([_verdict_json(v) for v in verdicts])
        return 0
    if not verdicts:
        print("nobody is due")
    for verdict in verdicts:
        checkin = verdict.checkin
        assert checkin is not None
        print(f"{checkin.name or checkin.address} <{checkin.address}>: due since "
              f"{_when(checkin.due_since)} ({checkin.reason})")
        if cannot := unwritable(checkin.address):
            print(f"    skipped: {cannot}")
        for item in checkin.items:
            print(f"    {item.kind} ({item.whose}): {item.summary}")
    return 0


def _decided_by(status: ItemStatus) -> str:
    message = status.decided_by
    if message is None:
        return ""
    who = "their message" if message.direction == "in" else "your message"
    return f" (decided by {who} of {_when(message.when)}, {message.subject!r})"


def _explain(args: argparse.Namespace) -> int:
    config = load(args)
    now = parse_now(args.now)
    address = normalize(args.address)
    with Store.open(config.state_dir, write=False) as store:
        checkins = CheckinStore(store)
        verdict = next((v for v in evaluate(config, checkins, now) if v.address == address),
                       None)
        items = checkins.items().get(address, [])
        drafts = [d for d in checkins.drafts() if d.address == address]
        problem = checkins.problems().get(address)
        voice = VoiceStore(store).voices().of(address)
    if verdict is None:
        raise FollowthroughError(f"no history with {args.address}; nothing to explain")
    cadence, source = cadence_for(config, address)
    print(f"{address}: {verdict.why}")
    if verdict.relationship is not None:
        bond = verdict.relationship
        print(f"  relationship {bond.score:.2f}: {bond.reasons}")
    print(f"  cadence {format_duration(cadence)} (from {source}); last interaction "
          f"{_when(verdict.last_interaction) or 'never'}; next due {_when(verdict.next_due)}")
    greeted, source = greeting_name(voice, verdict.checkin.name if verdict.checkin else "",
                                    address)
    print(f"  greeted as: {greeted + ' (' + source + ')' if greeted else 'no name known'}")
    if voice.closing:
        print(f"  your sign-off to them: {voice.closing!r}")
    if problem:
        print(f"  no draft could be written ({_when(problem[1])}): {problem[0]}")
    elif verdict.checkin and (cannot := unwritable(address)):
        print(f"  no draft can be written: {cannot}")
    if verdict.checkin:
        checkin = verdict.checkin
        where = (f"a reply in {checkin.thread.subject!r}" if checkin.thread
                 else f"a new message {checkin.fresh_subject or 'Catching up'!r}")
        print(f"  a draft would be a {checkin.reason} check-in ({where}), mentioning:")
        for item in checkin.items:
            print(f"    - {item.kind}: {item.summary}")
    print("  remembered:")
    statuses = {i.id: s for i, s in verdict.statuses}
    for item in items or []:
        status = statuses.get(item.id)
        state = " (already followed up)" if item.used else ""
        print(f"    {_when(item.said_on)}  {item.kind} ({item.whose}){state}  "
              f"re: {item.subject!r}")
        print(f"        “{' '.join(item.evidence.split())}”")
        if status is not None:
            print(f"        {status.state}: {status.why}{_decided_by(status)}")
    if not items:
        print("    nothing yet")
    for draft in drafts:
        print(f"  draft {draft.created.astimezone():%Y-%m-%d}: {draft.state} ({draft.reason}) "
              f"{draft.subject!r}")
    return 0


# ---- drafts
def _drafts(args: argparse.Namespace) -> int:
    config = load(args)
    with Store.open(config.state_dir, write=False) as store:
        checkins = CheckinStore(store)
        drafts = checkins.drafts(with_raw=args.show)
        changes = {d.id: checkins.changes(d.id, "sent" if d.state == "sent" else "edited")
                   for d in drafts if d.state in ("edited", "sent")}
    if args.json:
        print_json([{"address": d.address, "subject": d.subject, "message_id": d.message_id,
                     "current_message_id": d.current_message_id or d.message_id,
                     "state": "pending" if d.state == "planned" else d.state,
                     "reason": d.reason, "created": _when(d.created),
                     "account": d.account,
                     "changes": summary(changes[d.id]) if d.id in changes else None}
                    for d in drafts])
        return 0
    for draft in drafts:
        print(f"{draft.created.astimezone():%Y-%m-%d}  {draft.state:9}  {draft.address:32} "
              f"{draft.subject}")
        if args.show and draft.state in WAITING_STATES:
            text = draft.current_text if draft.current_text is not None else (
                plain_text(draft.raw))
            print("    " + "\n    ".join(text.rstrip().splitlines()) + "\n")
    if not drafts:
        print("no drafts yet")
    return 0


# ---- snooze
def _snooze(args: argparse.Namespace) -> int:
    config = load(args)
    address = normalize(args.address)
    if not address:
        raise FollowthroughError(f"{args.address!r} is not an email address")
    if address in own_addresses(config):
        raise FollowthroughError(f"{address} is one of your own addresses")
    until = None
    if not args.clear:
        if not args.duration:
            raise FollowthroughError("give a duration (e.g. 2w) or --clear")
        try:
            until = parse_now(args.now) + parse_duration(args.duration)
        except DurationError as exc:
            raise FollowthroughError(f"{exc}; expected e.g. 3d or 2w") from None
        except OverflowError:
            raise FollowthroughError("that snooze would end after the year 9999; give a "
                                     "shorter duration, e.g. 2w") from None
    with Store.open(config.state_dir, exclusive=False) as store:  # fine beside the daemon
        CheckinStore(store).snooze(address, until)
    print(f"{address}: " + (f"snoozed until {_when(until)}" if until else "snooze cleared"))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = add_command(
        subparsers, "run", _run, "sync and write check-in drafts",
        "The main job. With --once: one full cycle — sync every account, learn "
        "which earlier drafts were sent or dismissed, decide who is due, and "
        "write drafts into the review folder (on work days, up to "
        "cadence.max_drafts_per_day) — then exit. Without --once: keep running, "
        "syncing every schedule.sync_every and drafting at schedule.drafts_at.")
    run.add_argument("--once", action="store_true", help="one cycle, then exit")
    add_now_flag(run)
    add_json_flag(run)

    due = add_command(
        subparsers, "due", _due, "who is due for a check-in, and why",
        "List the contacts due for a check-in: since when, why (cadence, "
        "commitment, event, nudge) and the items a draft would use. Reads the "
        "local history only.")
    add_now_flag(due)
    add_json_flag(due)

    explain = add_command(
        subparsers, "explain", _explain, "why a contact is or is not due",
        "Explain the decision for one contact: cadence and where it comes from, "
        "last interaction, and every remembered item with its evidence.")
    explain.add_argument("address")
    add_now_flag(explain)

    drafts = add_command(
        subparsers, "drafts", _drafts, "the drafts written so far",
        "List the drafts followthrough wrote: pending (in the review folder), edited "
        "(you saved your own version), sent, or dismissed; with --json, how many "
        "paragraphs you kept, rewrote, deleted or added.")
    drafts.add_argument("--show", action="store_true",
                        help="print the text of drafts still waiting (your edited version "
                             "once you saved one)")
    add_json_flag(drafts)

    snooze = add_command(
        subparsers, "snooze", _snooze, "pause check-ins with a contact",
        "No check-in with ADDRESS for a while (e.g. 2w), or --clear to end it.")
    snooze.add_argument("address")
    snooze.add_argument("duration", nargs="?", help="how long, e.g. 3d, 2w")
    snooze.add_argument("--clear", action="store_true", help="end the snooze")
    add_now_flag(snooze)

