"""The judgement of the pure core: relationship score, something to say, the right thread,
promises kept or expired, ranking (issue 11, items 1, 2, 3 and 9)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from followthrough.checkins.item_status import item_status
from followthrough.checkins.planning import (
    CheckIn,
    RememberedItem,
    Verdict,
    plan_day,
)
from followthrough.checkins.relationship import Exchange, personal, relationship
from followthrough.checkins.thread_choice import ThreadRef, reply_thread

NOW = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def ex(days_ago: float, direction: str, thread: str = "t1", recipients: int = 1,
       subject: str = "Budget", **extra: object) -> Exchange:
    return Exchange(NOW - timedelta(days=days_ago), direction, thread, subject,
                    f"<{thread}.{days_ago}.{direction}@x>", (), recipients, False,
                    **extra)  # type: ignore[arg-type]


def promise(whose: str, days_ago: float, thread: str = "t1", **extra: object) -> RememberedItem:
    said_by_them = whose == "theirs"
    base = RememberedItem(1, "commitment", whose, "send the lease", "I'll send the lease.",
                          NOW - timedelta(days=days_ago), "Lease", thread_key=thread,
                          said_by_them=said_by_them,
                          message_id=f"<{thread}.{days_ago}.{'in' if said_by_them else 'out'}@x>")
    return replace(base, **extra)  # type: ignore[arg-type]


# ---- 1. relationships, not address books
def test_close_colleague_scores_high_with_reasons() -> None:
    history = [ex(20 + 30 * k + d, direction, f"t{k}")
               for k in range(12) for d, direction in ((0.1, "out"), (0.0, "in"))]
    bond = relationship(history, NOW)
    assert bond.score >= 0.9
    assert bond.reasons.startswith("24 personal exchanges over 11 months, last 2 weeks ago")
    assert "12 two-way threads, 12 replies from them" in bond.reasons


def test_one_business_exchange_a_year_ago_scores_low() -> None:
    bond = relationship([ex(370, "in"), ex(369, "out")], NOW)
    assert bond.score < 0.3 and bond.two_way_threads == 1


def test_lists_and_one_way_mail_are_no_relationship() -> None:
    mass = [ex(10 + k, "in", f"m{k}", recipients=30) for k in range(20)]
    mass += [ex(9 + k, "out", f"m{k}", recipients=30) for k in range(20)]
    assert relationship(mass, NOW).score == 0.0
    assert "no personal exchange" in relationship(mass, NOW).reasons
    one_way = [ex(10 + k, "in", f"o{k}") for k in range(20)]
    assert relationship(one_way, NOW).score <= 0.15


def test_out_of_office_and_forwards_are_not_personal() -> None:
    assert not personal(ex(1, "in", subject="Out of Office: Budget"))
    assert not personal(ex(1, "in", subject="FW: Credit Watch List"))
    assert not personal(replace(ex(1, "in"), automated=True))
    assert personal(ex(1, "in", subject="RE: Budget", recipients=4))
    assert not personal(ex(1, "in", subject="RE: Budget", recipients=5))


# ---- 9. promises resolve and go stale
def test_my_promise_kept_by_a_later_delivery() -> None:
    mine = promise("mine", 10)
    later = ex(8, "out", delivers=True, subject="RE: Lease")
    status = item_status(mine, [ex(10, "out"), ex(9, "in"), later], TODAY)
    assert status.state == "kept" and status.decided_by == later
    assert "delivered" in status.why


def test_their_promise_kept_by_my_thanks_in_the_thread() -> None:
    theirs = promise("theirs", 10)
    thanks = ex(5, "out", thanks=True)
    assert item_status(theirs, [ex(10, "in"), thanks], TODAY).decided_by == thanks
    elsewhere = ex(5, "out", thread="t9", thanks=True)  # thanks for something else
    assert item_status(theirs, [ex(10, "in"), elsewhere], TODAY).state == "open"


def test_undated_errand_expires_soon_unless_still_asked_about() -> None:
    # "I'll send you the file": a routine favour, not chased five weeks later
    assert item_status(promise("theirs", 5), [ex(5, "in")], TODAY).state == "open"
    for days in (12, 35, 120):
        old = item_status(promise("theirs", days), [ex(days, "in")], TODAY)
        assert old.state == "expired" and "no date" in old.why
        assert old.decided_by == ex(days, "in")  # the message that made it, nothing since
    # the thread went on, but nothing in it asked after the file: still expired
    chatter = item_status(promise("theirs", 35), [ex(35, "in"), ex(6, "out")], TODAY)
    assert chatter.state == "expired"
    # I asked after it in its thread six days ago: the conversation shows it still open
    reminder = ex(6, "out", asks=True, subject="RE: Lease")
    alive = item_status(promise("theirs", 35), [ex(35, "in"), reminder], TODAY)
    assert alive.state == "open" and alive.decided_by == reminder
    assert "still asked about on" in alive.why and "RE: Lease" in alive.why
    # asked in another thread: not this promise's conversation
    elsewhere = replace(reminder, thread_key="t7")
    assert item_status(promise("theirs", 35), [ex(35, "in"), elsewhere],
                       TODAY).state == "expired"


def test_same_day_errand_is_never_chased() -> None:
    from followthrough.checkins.talking_points import due_commitment

    # "I'll call you this afternoon", eight days ago
    call = promise("mine", 8, summary="call you this afternoon",
                   due=TODAY - timedelta(days=8))
    status = item_status(call, [ex(8, "out")], TODAY)
    assert status.state == "expired" and "errand" in status.why
    # on the day it is open, but it makes nobody due: a draft may only mention it
    today_call = promise("mine", 0.1, due=TODAY)
    assert item_status(today_call, [ex(0.1, "out")], TODAY).state == "open"
    assert due_commitment([today_call], TODAY) is None
    # theirs, for tomorrow, a week ago: not "is that still on?" either
    theirs = promise("theirs", 7, due=TODAY - timedelta(days=6))
    assert due_commitment([theirs], TODAY) is None


def test_promise_with_a_real_due_date_is_chased_around_it() -> None:
    from followthrough.checkins.talking_points import due_commitment

    report = promise("mine", 20, due=TODAY + timedelta(days=1))  # made three weeks ahead
    assert item_status(report, [ex(20, "out")], TODAY).state == "open"
    assert due_commitment([report], TODAY) == report
    later = promise("mine", 40, due=TODAY - timedelta(days=6))
    assert item_status(later, [ex(40, "out")], TODAY).state == "open"
    # "I'm coming home on the 22nd and will see you that Saturday", asked about two weeks
    # later as "is that still on?": within a week of its date a chase is timely, after it
    # the moment has passed
    visit = promise("theirs", 30, due=TODAY - timedelta(days=12))
    assert item_status(visit, [ex(30, "in")], TODAY).state == "expired"
    gone = promise("mine", 60, due=TODAY - timedelta(days=20))
    assert item_status(gone, [ex(60, "out")], TODAY).state == "expired"


def test_dated_promise_expires_some_time_after_its_date() -> None:
    late = promise("mine", 60, due=TODAY - timedelta(days=30))
    assert item_status(late, [ex(60, "out")], TODAY).state == "expired"
    soon = promise("mine", 3, due=TODAY + timedelta(days=1))
    assert item_status(soon, [ex(3, "out")], TODAY).state == "open"


def test_items_from_mass_mail_or_unclear_you_are_set_aside() -> None:
    memo = replace(promise("theirs", 5), kind="success", summary="the staff cuts are done")
    status = item_status(memo, [ex(5, "in", recipients=40)], TODAY)
    assert status.state == "set aside" and "40 people" in status.why
    # "you will send it", written by the user to three people: not clear who "you" is
    unclear = promise("theirs", 5, said_by_them=False,
                      message_id="<t1.5.out@x>")
    assert item_status(unclear, [ex(5, "out", recipients=3)], TODAY).state == "set aside"


def test_their_promise_in_mail_not_addressed_to_me_is_someone_elses() -> None:
    """Rick promises Dave a package and copies (or blind-copies) the user: not a promise to
    chase from the user's side."""
    pkg = promise("theirs", 5)
    copied = item_status(pkg, [ex(5, "in", to_me=False)], TODAY)
    assert copied.state == "set aside" and "not addressed to you" in copied.why
    assert item_status(pkg, [ex(5, "in")], TODAY).state == "open"


def test_success_acknowledged_once_i_replied() -> None:
    win = RememberedItem(2, "success", "theirs", "we closed the round", "We closed the round!",
                         NOW - timedelta(days=10), "News", thread_key="t1",
                         message_id="<t1.10.in@x>")
    assert item_status(win, [ex(10, "in")], TODAY).state == "open"
    assert item_status(win, [ex(10, "in"), ex(9, "out")], TODAY).state == "kept"


# ---- 3. the right thread
def test_reply_in_the_items_personal_thread_else_a_new_message() -> None:
    item = promise("theirs", 10)
    thread = reply_thread([ex(12, "out"), ex(10, "in"), ex(2, "in", thread="t2")], item)
    assert thread is not None and thread.thread_key == "t1"
    assert thread.message_id == "<t1.10.in@x>"  # its latest message, not the newest thread
    grown = [ex(12, "out"), ex(10, "in"), ex(9, "in", recipients=9)]
    assert reply_thread(grown, item) is None
    forwarded = [ex(12, "out", subject="FW: Lease"), ex(10, "in", subject="RE: FW: Lease")]
    assert reply_thread(forwarded, item) is not None  # a forward to one, then a conversation


def _checkin(address: str, reason: str, specific: bool, bond: float,
             thread: str | None = None) -> CheckIn:
    ref = ThreadRef(thread, "Budget", "<m@x>", (), None) if thread else None
    return CheckIn(address, "", "a", reason, NOW, timedelta(days=30), (), ref, 1.0,
                   specific, bond)


def test_plan_day_puts_specific_first_by_relationship_and_one_per_thread() -> None:
    checkins = [
        _checkin("plain@x.com", "cadence", False, 0.9),
        _checkin("weak@x.com", "cadence", True, 0.4),
        _checkin("close@x.com", "cadence", True, 0.8, thread="shared"),
        _checkin("also@x.com", "cadence", True, 0.7, thread="shared"),
        _checkin("promise@x.com", "commitment", True, 0.3),
    ]
    verdicts = [Verdict(c.address, True, c.cadence, None, None, "", c) for c in checkins]
    chosen = plan_day(verdicts, 0, 8, True)
    assert [c.address for c in chosen] == ["promise@x.com", "close@x.com", "weak@x.com",
                                           "plain@x.com"]
    busy = plan_day(verdicts, 0, 8, True, frozenset({"shared"}))
    assert "close@x.com" not in [c.address for c in busy]
    assert len(plan_day(verdicts, 6, 8, True)) == 2


def test_overdue_promise_of_theirs_makes_a_contact_due() -> None:
    from followthrough.checkins.talking_points import commitment_due_day, due_commitment

    theirs = promise("theirs", 20, due=TODAY - timedelta(days=5))
    assert due_commitment([theirs], TODAY) == theirs
    assert commitment_due_day(theirs) == TODAY - timedelta(days=2)
    not_yet = promise("theirs", 20, due=TODAY - timedelta(days=1))
    assert due_commitment([not_yet], TODAY) is None
    assert due_commitment([promise("theirs", 20, due=date(2026, 1, 1))], TODAY) is None


# ---- 2. a nudge says what was asked, and only to the one it was asked of
def test_question_is_taken_whole_and_courtesies_are_not_questions() -> None:
    from followthrough.mail.questions import asked_question

    assert asked_question("Hi Bob,\n\nThanks for the call. Could you send me the Q3 numbers "
                          "by Friday? Also the map.\n\nSam\n") == \
        "Could you send me the Q3 numbers by Friday?"
    assert asked_question("Duke was never executed.\n\nLet me know if you have any "
                          "additional questions or need anything else.\n\nMarie") is None
    assert asked_question("Please do not hesitate to call me with any questions.") is None
    assert asked_question("Let me know if you need anything further.") is None
    assert asked_question("Let me know what you hear from Robert Allen.") == \
        "Let me know what you hear from Robert Allen."
    assert asked_question("Let me know what you hear from them.") is None  # names nothing
    assert asked_question("Thanks, that all looks fine to me.") is None


def test_nudge_only_for_a_question_to_this_contact_alone() -> None:
    from followthrough.checkins.thread_choice import latest_thread

    asked = ex(9, "out", asks=True, question="Could you sign the Duke assignment?")
    alone = latest_thread([ex(20, "in"), asked])
    assert alone is not None and alone.question == "Could you sign the Duke assignment?"
    crowd = latest_thread([ex(20, "in"), replace(asked, recipients=3)])
    assert crowd is not None and crowd.my_last_unanswered is None and crowd.question is None
    # answered in its thread, though to everyone: no longer waiting for an answer
    reply_all = latest_thread([ex(20, "in"), asked, ex(8, "in", recipients=6)])
    assert reply_all is not None and reply_all.question is None
    # not silence since: they wrote about something else, or I wrote to them alone again
    elsewhere = latest_thread([ex(20, "in"), asked, ex(5, "in", thread="t2", recipients=6)])
    assert elsewhere is not None and elsewhere.question is None
    again = latest_thread([ex(20, "in"), asked, ex(4, "out", thread="t3")])
    assert again is not None and again.question is None
    # my later memo to many people is not a conversation with them: still unanswered
    memo = latest_thread([ex(20, "in"), asked, ex(4, "out", thread="t4", recipients=30)])
    assert memo is not None and memo.question == "Could you sign the Duke assignment?"
    # a question recorded by an older version is judged again: an errand naming nothing,
    # same-day logistics
    for moot in ("Could you sign it?", "Can you come to my office at 3?"):
        old = latest_thread([ex(20, "in"), replace(asked, question=moot)])
        assert old is not None and old.my_last_unanswered is None and old.question is None


@pytest.mark.parametrize(("text", "question"), [
    # information, a decision, an opinion: still wanted weeks later
    ("Could you send me the updated Duke contract?", "Could you send me the updated Duke "
     "contract?"),
    ("What did the board decide about the Topock permit?", "What did the board decide about "
     "the Topock permit?"),
    ("Thanks for the call.\n\nAlso, do you have the Q3 volumes for Transwestern?",
     "Do you have the Q3 volumes for Transwestern?"),
    ("Please let me know whether Tenaska signed the confirm.",
     "Please let me know whether Tenaska signed the confirm."),
    # routine requests naming nothing, long moot
    ("Can you facilitate this?", None),
    ("Could you take care of it?", None),
    ("What do you think?", None),
    ("Is this a problem?", None),
    ("Will this comply with your request?", None),
    ("Let me know how they respond.", None),
    # same-day logistics whose moment has passed
    ("Can you come to my office at 3?", None),
    ("Are you free for lunch tomorrow?", None),
    ("Can you stop by this afternoon to pick up the binder?", None),
    ("Could you call me at 4:30 about the Duke contract?", None),
    # small talk wants no answer weeks later
    ("How is the Big Sandy Project?", None),
    ("How did the Topock hearing go?", None),
    ("How's the new job treating you?", None),
    ("Did you have a good time in Vail?", None),
    # but asking how to do something does
    ("How do I get access to the Sitara reports?", "How do I get access to the Sitara "
     "reports?"),
    # the first genuine question is the one taken
    ("Can you come by at 3? And what did Tenaska say about the confirm?",
     "What did Tenaska say about the confirm?"),
    # a greeting on the question's line is not part of it; small talk stays small talk
    ("Hey Jennifer,  How is it going? Did you survive your long run this weekend?", None),
    ("Mark, could you send me the Tenaska memo?", "Could you send me the Tenaska memo?"),
    # only a name is taken off, never what the question is about
    ("In January, could you send the Tenaska numbers?",
     "In January, could you send the Tenaska numbers?"),
    ("fyi, could you send the Tenaska numbers?", "Fyi, could you send the Tenaska numbers?"),
    ("How was your trip to Calgary?", None),
    # fragments, tag questions, banter, asides, courtesies and what leans on the message
    ("Please get the Nov. 30th post id's?", None),
    ("The Duke contract is signed, right?", None),
    ("You dont like my vol swap bid ???", None),
    ("Put January 31 on your calendar for dinner (someplace downtown -- any suggestions?",
     None),
    ("Please review and let me know if you have any further changes which need to be made.",
     None),
    ("If you have questions about that can you please call Errol directly?", None),
    ("Do you have copies of any of the following NDAs?", None),
    ("Could you send all counterparty or contract inquiries to Deal Validation?", None),
    ("I know you are busy, so is there a better time for you to talk about the fees?", None),
    # a message tied to its day: whatever it asked was for that moment
    ("They will be leaving in just a few hours. Can you make them a reservation on this "
     "flight.", None),
    ("Could you send me the Q3 numbers? I need them for the board tomorrow.", None),
    # gossip openers and negative questions want no answer weeks later
    ("Did you hear about Jonathan and the Houston desk?", None),
    ("Didn't she write code while eating her lunch?", None),
    # a question in a long text (a memo, a forwarded list) is not a message awaiting it
    ("Could you send me the Q3 numbers? " + "The desk was busy all week. " * 60, None),
])
def test_only_a_genuine_question_is_taken(text: str, question: str | None) -> None:
    from followthrough.mail.questions import asked_question

    assert asked_question(text) == question


def test_the_nudge_retells_the_question_or_quotes_it_and_says_what_it_is() -> None:
    from followthrough.checkins.draft_text import body_lines
    from followthrough.checkins.planning import CheckIn
    from followthrough.checkins.thread_choice import ThreadRef

    def nudge(question: str) -> list[str]:
        thread = ThreadRef("t", "Duke", "<m@x>", (), datetime(2026, 5, 1, 12, tzinfo=UTC),
                           question)
        checkin = CheckIn("ann@example.com", "Ann", "a", "nudge", NOW, timedelta(days=30),
                          (), thread, 0.1)
        return body_lines(checkin, TODAY.isoformat())

    assert nudge("Could you send me the Tenaska confirm when you get a chance?") == [
        "Just following up on my note of May 1 — I was wondering whether you could send me "
        "the Tenaska confirm."]
    assert nudge("Did Tenaska sign the confirm?") == [
        "Just following up on my question: “Did Tenaska sign the confirm?”"]
    assert nudge("Please let me know whether Tenaska signed the confirm.") == [
        "Just following up on my note of May 1 — I was wondering whether Tenaska signed the "
        "confirm."]
    assert nudge("Please send me the signed Tenaska confirm.") == [
        "Just following up on what I asked: “Please send me the signed Tenaska confirm.”"]
