"""Who is due and why, and what a draft says: the pure core of check-ins."""

from __future__ import annotations

import email
import textwrap
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.policy import default as default_policy
from pathlib import Path

import pytest

from followthrough.checkins.draft_message import build_draft, reply_subject
from followthrough.checkins.draft_text import compose_body, first_name
from followthrough.checkins.phrasing import spoken_back
from followthrough.checkins.planning import (
    CheckIn,
    ContactFacts,
    DraftFacts,
    Exchange,
    RememberedItem,
    cadence_for,
    decide,
    plan_day,
    whose,
)
from followthrough.config.model import Config, load_config

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)


def config(tmp_path: Path, extra: str = "") -> Config:
    path = tmp_path / "c.toml"
    path.write_text(textwrap.dedent("""
        [[account]]
        name = "a"
        host = "h.example.com"
        username = "me@example.com"
        [cadence]
        default = "30d"
        nudge_after = "7d"
        [[group]]
        name = "mentors"
        cadence = "14d"
        members = ["*@mentors.example"]
        [[group]]
        name = "everyone at bigco"
        cadence = "60d"
        members = ["*@bigco.example", "*@mentors.example"]
        [[contact]]
        address = "vip@mentors.example"
        cadence = "7d"
        [[contact]]
        address = "noisy@example.com"
        ignore = true
        """) + extra)
    return load_config(path)


def exchange(days_ago: float, direction: str, thread: str = "t-last", recipients: int = 1,
             **extra: object) -> Exchange:
    return Exchange(NOW - timedelta(days=days_ago), direction, thread, "Hello",
                    f"<{thread}-{days_ago}-{direction}@x>", (), recipients, False,
                    **extra)  # type: ignore[arg-type]


def history(days_in: int | None, days_out: int | None, threads: int = 5) -> tuple[Exchange, ...]:
    """A personal two-way history: ``threads`` earlier threads a month apart, then the
    latest messages each way."""
    start = max(d for d in (days_in, days_out, 0) if d is not None)
    earlier = [exchange(start + 30 * (k + 1) + hours / 24, direction, f"t{k}")
               for k in range(threads) for hours, direction in ((1, "out"), (0, "in"))]
    latest = [exchange(d, direction) for d, direction in ((days_out, "out"), (days_in, "in"))
              if d is not None]
    return tuple(sorted([*earlier, *latest], key=lambda e: e.when or NOW))


def contact(address: str = "ann@example.com", days_in: int | None = 40,
            days_out: int | None = 41, automated: bool = False,
            exchanges: tuple[Exchange, ...] | None = None) -> ContactFacts:
    def ago(days: int | None) -> datetime | None:
        return NOW - timedelta(days=days) if days is not None else None
    return ContactFacts(address, "Ann Lee", "a", automated, 1 if days_in is not None else 0,
                        1 if days_out is not None else 0, ago(days_in), ago(days_out),
                        history(days_in, days_out) if exchanges is None else exchanges)


def item(kind: str, who: str, summary: str, days_ago: int = 20, **extra: object) -> RememberedItem:
    base = RememberedItem(id=abs(hash((kind, who, summary))) % 10_000, kind=kind, whose=who,
                          summary=summary, evidence=summary + ".",
                          said_on=NOW - timedelta(days=days_ago), subject="Hello",
                          said_by_them=who != "mine")  # a promise of mine, in my words
    return replace(base, **extra)  # type: ignore[arg-type]


# ---- cadence and tracking
def test_cadence_precedence(tmp_path: Path) -> None:
    c = config(tmp_path)
    assert cadence_for(c, "vip@mentors.example") == (timedelta(days=7), "its [[contact]] entry")
    assert cadence_for(c, "x@mentors.example")[0] == timedelta(days=14)  # first group wins
    assert cadence_for(c, "x@bigco.example")[0] == timedelta(days=60)
    assert cadence_for(c, "x@else.example") == (timedelta(days=30), "cadence.default")


def test_due_by_cadence(tmp_path: Path) -> None:
    always = config(tmp_path)
    always = replace(always, cadence=replace(always.cadence, track="two-way-always"))
    verdict = decide(always, contact(days_in=40, days_out=41), [], [], None, None, NOW)
    assert verdict.checkin is not None and verdict.checkin.reason == "cadence"
    assert verdict.checkin.due_since == NOW - timedelta(days=10)
    assert not verdict.checkin.specific


def test_plain_check_in_only_for_listed_contacts(tmp_path: Path) -> None:
    """With nothing specific to say, a contact the user did not list gets no draft; one in
    a group does."""
    unlisted = decide(config(tmp_path), contact(days_in=40, days_out=41), [], [], None, None,
                      NOW)
    assert unlisted.tracked and unlisted.checkin is None
    assert "nothing specific" in unlisted.why
    listed = decide(config(tmp_path), contact("bob@bigco.example", days_in=70, days_out=71),
                    [], [], None, None, NOW)
    assert listed.checkin is not None and listed.checkin.reason == "cadence"
    challenge = item("challenge", "theirs", "the roof is leaking again", days_ago=40,
                     thread_key="t-last", message_id="<t-last-40-in@x>")
    specific = decide(config(tmp_path), contact(days_in=40, days_out=41), [challenge], [],
                      None, None, NOW)
    assert specific.checkin is not None and specific.checkin.specific
    assert specific.checkin.items == (challenge,)


def test_not_due_within_cadence(tmp_path: Path) -> None:
    verdict = decide(config(tmp_path), contact(days_in=5, days_out=6), [], [], None, None, NOW)
    assert verdict.checkin is None and "within the cadence" in verdict.why
    assert verdict.next_due == NOW + timedelta(days=25)


@pytest.mark.parametrize(("facts", "why"), [
    (contact(automated=True), "automated"),
    (contact("noisy@example.com"), "ignored"),
    (contact(days_out=None), "two-way"),
    (contact(days_in=400, days_out=400), "forget_after"),
])
def test_not_tracked(tmp_path: Path, facts: ContactFacts, why: str) -> None:
    verdict = decide(config(tmp_path), facts, [], [], None, None, NOW)
    assert not verdict.tracked and why in verdict.why


def test_groups_only_tracks_listed_contacts(tmp_path: Path) -> None:
    c = config(tmp_path, '\n[schedule]\n')
    c = replace(c, cadence=replace(c.cadence, track="groups-only"))
    assert not decide(c, contact(), [], [], None, None, NOW).tracked
    assert decide(c, contact("bob@bigco.example"), [], [], None, None, NOW).tracked
    one_way = contact("bob@bigco.example", days_out=None)
    assert decide(c, one_way, [], [], None, None, NOW).tracked  # listed: one-way is enough


def test_group_cadence_decides(tmp_path: Path) -> None:
    facts = contact("x@mentors.example", days_in=15, days_out=16)
    assert decide(config(tmp_path), facts, [], [], None, None, NOW).checkin is not None
    facts = contact("x@bigco.example", days_in=15, days_out=16)
    assert decide(config(tmp_path), facts, [], [], None, None, NOW).checkin is None


def test_commitment_falls_due_early(tmp_path: Path) -> None:
    promise = item("commitment", "mine", "send you the plan", days_ago=3,
                   due=date(2026, 5, 15))
    verdict = decide(config(tmp_path), contact(days_in=3, days_out=3), [promise], [], None,
                     None, NOW)
    assert verdict.checkin is not None and verdict.checkin.reason == "commitment"
    assert promise in verdict.checkin.items


def test_commitment_far_off_is_not_due(tmp_path: Path) -> None:
    promise = item("commitment", "mine", "send you the plan", days_ago=3, due=date(2026, 6, 1))
    verdict = decide(config(tmp_path), contact(days_in=3, days_out=3), [promise], [], None,
                     None, NOW)
    assert verdict.checkin is None


def test_passed_event_asks_how_it_went(tmp_path: Path) -> None:
    hearing = item("challenge", "theirs", "the permit hearing", days_ago=20,
                   event_date=date(2026, 5, 12))
    verdict = decide(config(tmp_path), contact(days_in=20, days_out=19), [hearing], [], None,
                     None, NOW)
    assert verdict.checkin is not None and verdict.checkin.reason == "event"
    assert verdict.checkin.items[0] == hearing
    future = replace(hearing, event_date=date(2026, 5, 20))
    assert decide(config(tmp_path), contact(days_in=20, days_out=19), [future], [], None, None,
                  NOW).checkin is None


def test_unanswered_message_gets_a_nudge_once(tmp_path: Path) -> None:
    asked = exchange(9, "out", asks=True, question="Could you send the signed lease?")
    facts = contact(days_in=20, days_out=9,
                    exchanges=(*history(20, None), asked))
    thread = None
    verdict = decide(config(tmp_path), facts, [], [], thread, None, NOW)
    assert verdict.checkin is not None and verdict.checkin.reason == "nudge"
    assert verdict.checkin.specific and verdict.checkin.thread is not None
    assert verdict.checkin.thread.question == "Could you send the signed lease?"
    body = compose_body(verdict.checkin, None, NOW.date().isoformat())
    assert "I was wondering whether you could send the signed lease." in body
    nudged = DraftFacts(facts.address, "sent", "nudge", NOW - timedelta(days=1), NOW, "t-last")
    assert decide(config(tmp_path), facts, [], [nudged], thread, None, NOW).checkin is None
    off = config(tmp_path)
    off = replace(off, cadence=replace(off.cadence, nudge_after=None))
    assert decide(off, facts, [], [], thread, None, NOW).checkin is None


def test_pending_draft_snooze_and_dismissal(tmp_path: Path) -> None:
    c, facts = config(tmp_path), contact("x@bigco.example", days_in=70, days_out=71)
    waiting = DraftFacts(facts.address, "pending", "cadence", NOW - timedelta(days=1), None, None)
    assert "already waiting" in decide(c, facts, [], [waiting], None, None, NOW).why
    snoozed = decide(c, facts, [], [], None, NOW + timedelta(days=3), NOW)
    assert snoozed.checkin is None and "snoozed" in snoozed.why
    dismissed = DraftFacts(facts.address, "dismissed", "cadence", NOW - timedelta(days=5),
                           NOW - timedelta(days=4), None)
    later = decide(c, facts, [], [dismissed], None, None, NOW)
    assert later.checkin is None and later.next_due == NOW + timedelta(days=56)


def test_used_and_vague_items_are_not_raised_again(tmp_path: Path) -> None:
    old = item("challenge", "theirs", "the roof leak", used=True)
    vague = item("challenge", "theirs", "that", days_ago=10)
    fresh = item("success", "theirs", "the launch went great", days_ago=25)
    verdict = decide(config(tmp_path), contact(), [old, vague, fresh], [], None, None, NOW)
    assert verdict.checkin is not None and verdict.checkin.items == (fresh,)


def test_plan_day_orders_and_caps(tmp_path: Path) -> None:
    def checkin(reason: str, overdue: float) -> CheckIn:
        return CheckIn(f"{reason}{overdue}@x.com", "", "a", reason, NOW, timedelta(days=30),
                       (), None, overdue)
    from followthrough.checkins.planning import Verdict
    verdicts = [Verdict(c.address, True, timedelta(days=30), None, None, "", c)
                for c in (checkin("cadence", 0.1), checkin("cadence", 2.0),
                          checkin("event", 0.0), checkin("commitment", 0.0))]
    chosen = plan_day(verdicts, already_today=1, max_per_day=4, work_day=True)
    assert [c.reason for c in chosen] == ["commitment", "event", "cadence"]
    assert chosen[2].overdue == 2.0
    assert plan_day(verdicts, 0, 5, work_day=False) == []


def test_whose_item_it_is() -> None:
    assert whose("sender", "in") == "theirs" and whose("sender", "out") == "mine"
    assert whose("recipient", "in") == "mine" and whose("recipient", "out") == "theirs"
    assert whose("third_party", "in") == "third_party"


# ---- the words of a draft
def checkin_with(*items: RememberedItem, reason: str = "cadence") -> CheckIn:
    return CheckIn("ann@example.com", "Lee, Ann", "a", reason, NOW, timedelta(days=30), items,
                   None, 0.3)


def test_draft_mentions_only_remembered_items() -> None:
    body = compose_body(checkin_with(
        item("challenge", "theirs", "We're swamped with the year-end close"),
        item("commitment", "mine", "send you the Q3 model", due=date(2026, 5, 20)),
        item("success", "theirs", "the beta launch went great"),
        item("commitment", "theirs", "send you the invite")), "Sam", "2026-05-14")
    assert body.startswith("Hi Ann,\n\n")
    assert "you're swamped with the year-end close" in body
    assert "I promised to send you the Q3 model by Wednesday, May 20" in body
    assert "So glad to hear the beta launch went great" in body
    assert "you would send me the invite" in body
    assert body.rstrip().endswith("Sam")


def test_overdue_promise_apologises() -> None:
    body = compose_body(checkin_with(item("commitment", "mine", "introduce you to Dana",
                                          due=date(2026, 4, 10))), None, "2026-05-14")
    assert "I'm sorry I haven't yet managed to introduce you to Dana" in body


def test_user_template(tmp_path: Path) -> None:
    body = compose_body(checkin_with(), "Sam", "2026-05-14",
                        template="Dear $name,\n$lines\n-- $signature")
    assert body.startswith("Dear Lee, Ann,\n") and body.rstrip().endswith("-- Sam")


@pytest.mark.parametrize(("words", "turned"), [
    ("We're stuck on the permit", "you're stuck on the permit"),
    ("I was sick all week", "you were sick all week"),
    ("my daughter was born", "your daughter was born"),
    ("I'll send you the deck", "you'll send me the deck"),  # their "you" is the user
    ("send you my notes", "send me your notes"),
])
def test_their_words_addressed_to_them(words: str, turned: str) -> None:
    assert spoken_back(words) == turned


@pytest.mark.parametrize(("name", "address", "first"), [
    ("Ann Lee", "ann@x.com", "Ann"), ("Lee, Ann", "a@x.com", "Ann"),
    ("", "priya.shah@x.com", "Priya"), ("", "x7@x.com", "there"),
])
def test_first_name(name: str, address: str, first: str) -> None:
    assert first_name(name, address) == first


# ---- the message: headers cannot be injected
HOSTILE = "Eve\r\nBcc: attacker@evil.example\u202e\x00"


def test_hostile_names_and_subjects_cannot_add_headers() -> None:
    raw = build_draft(checkin_id="abc", from_address="me@example.com",
                      to_address="eve@example.com", to_name=HOSTILE,
                      subject=reply_subject("Re: hi\r\nBcc: attacker@evil.example\nX-A: 1"),
                      body="Hi\r\nBcc: not-a-header@evil.example\n", when=NOW,
                      in_reply_to="<ok@x>\r\nBcc: a@evil.example",
                      references=["<r1@x>", "<bad\r\n@x>"])
    message = email.message_from_bytes(raw, policy=default_policy)
    header_block = raw.split(b"\r\n\r\n", 1)[0].decode()
    names = [line.split(":", 1)[0] for line in header_block.split("\r\n")
             if line and not line[0].isspace()]
    assert "Bcc" not in names and "X-A" not in names
    assert names.count("To") == 1 and names.count("Subject") == 1
    assert message["To"].addresses[0].addr_spec == "eve@example.com"
    assert "In-Reply-To" not in names  # an invalid message id is dropped, not repaired
    assert "\u202e" not in message["To"] and "\x00" not in raw.decode()


def test_reply_headers_and_id() -> None:
    raw = build_draft(checkin_id="0123456789abcdef0123456789abcdef",
                      from_address="me@example.com",
                      to_address="ann@example.com", to_name="Ann Lée", subject="Re: Plan",
                      body="Hello\n", when=NOW, in_reply_to="<p2@x>", references=["<p1@x>"])
    message = email.message_from_bytes(raw, policy=default_policy)
    assert message["In-Reply-To"] == "<p2@x>" and message["References"] == "<p1@x> <p2@x>"
    assert "X-Followthrough-Id" not in message  # nothing of the tool reaches the contact
    assert message["Message-ID"] == "<01234567-89ab-cdef-0123-456789abcdef@example.com>"
    assert str(message["To"]) == "Ann Lée <ann@example.com>"
    assert b"=?utf-8?" in raw  # non-ASCII name encoded, not raw 8-bit
    assert reply_subject("RE: Fwd: Plan") == "Re: Plan"


def test_a_nudge_answers_its_question_even_under_an_empty_subject(tmp_path: Path) -> None:
    from followthrough.checkins.drafting import make_draft
    from followthrough.checkins.planning import CheckIn
    from followthrough.checkins.thread_choice import ThreadRef

    settings = config(tmp_path)
    asked = datetime(2026, 5, 5, 15, 0, tzinfo=UTC)
    thread = ThreadRef("t", "RE:", "<q@x.example>", ("<q@x.example>",), asked,
                       "Could you send me the Q3 numbers for the Duke deal?")
    checkin = CheckIn("ann@example.com", "Ann", settings.accounts[0].name, "nudge", asked,
                      timedelta(days=30), (), thread, 0.1)
    draft = make_draft(settings, settings.accounts[0], checkin, asked + timedelta(days=8))
    message = email.message_from_bytes(draft.raw, policy=default_policy)
    assert message["In-Reply-To"] == "<q@x.example>"
    assert message["Subject"] == "Re:"
    assert "whether you could send me the Q3 numbers for the Duke deal" in " ".join(
        message.get_content().split())
