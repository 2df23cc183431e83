"""Names and the user's voice end to end, against the real Dovecot: a contact whose mail has
no display name is greeted by the name they sign with, never from their address; the draft
opens and closes the way the user writes to that contact."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from tests.checkins.test_drafts_imap import LONG_AGO, ME, cli, review, run_once, setup_config
from tests.mailserver import Dovecot
from tests.messages import make_message


def test_greeted_by_signed_name_and_in_the_users_own_words(tmp_path: Path, dovecot: Dovecot,
                                                          mail_user: str) -> None:
    config = setup_config(tmp_path, dovecot, mail_user)
    for day in (0, 3):  # he signs "Jeff" twice; nothing in his address says so
        dovecot.append(mail_user, "INBOX", [make_message(
            sender="jdasovic@enron.com", subject=f"Rates {day}",
            date=LONG_AGO + timedelta(days=day),
            body="Sam,\n\nThe new rates are in the file.\n\nThanks,\nJeff\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="jdasovic@enron.com", subject="Re: Rates 3",
        date=LONG_AGO + timedelta(days=4), body="Got them, thank you.\n\n--Sally\n")])
    dovecot.append(mail_user, "INBOX", [make_message(
        sender="cantrell@wantabe.com", subject="Hello", date=LONG_AGO + timedelta(days=1),
        body="Hi Sam,\n\nGood to hear from you.\n\nR.\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="cantrell@wantabe.com", subject="Re: Hello",
        date=LONG_AGO + timedelta(days=2),
        body="Becky -\n\nI was thinking of you today.\n\nThanks,\nSally\n")])

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["drafts"]) == 2
    bodies = {str(m["To"]): m.get_content().replace("\r\n", "\n")
              for _, m, _ in review(dovecot, mail_user)}
    jeff = bodies["jdasovic@enron.com"]
    assert jeff.startswith("Hi Jeff,\n")  # not "Hi Jdasovic," nor "Hi there,"
    assert jeff.rstrip().endswith("--Sally") and "Cheers" not in jeff and "Sam" not in jeff
    becky = bodies["cantrell@wantabe.com"]
    assert becky.startswith("Becky -\n")
    assert becky.rstrip().endswith("Thanks,\nSally")

    explained = cli(config, "explain", "jdasovic@enron.com", "--now",
                    "2026-05-14T09:00:00+00:00").stdout
    assert "greeted as: Jeff (how they sign their mail)" in explained
    assert "your sign-off to them: '--Sally'" in explained


def test_seasonal_wishes_are_neither_names_nor_the_users_sign_off(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """He ends his mail with "Merry Christmas"; Sam ends hers with "Happy New Year!" and
    "Have a great weekend": none of it is a name or the way Sam signs a draft in May."""
    config = setup_config(tmp_path, dovecot, mail_user)
    for day, wish in ((0, "Merry Christmas"), (3, "Merry Christmas"), (5, "Happy Holidays")):
        dovecot.append(mail_user, "INBOX", [make_message(
            sender="jdasovic@enron.com", subject=f"Rates {day}",
            date=LONG_AGO + timedelta(days=day),
            body=f"Sam,\n\nThe new rates are in the file.\n\n{wish}\n")])
    for day, wish in ((1, "Happy New Year!"), (4, "Have a great weekend"),
                      (6, "Happy New Year!"), (7, "Happy New Year!")):
        dovecot.append(mail_user, "Sent", [make_message(
            sender=ME, to="jdasovic@enron.com", subject=f"Re: Rates {day}",
            date=LONG_AGO + timedelta(days=day), body=f"Got them, thank you.\n\n{wish}\n")])

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["drafts"]) == 1
    body = next(m.get_content().replace("\r\n", "\n") for _, m, _ in review(dovecot, mail_user))
    assert body.startswith("Hi there,\n")  # not "Hi Merry," nor "Hi Jdasovic,"
    for wish in ("Merry", "Happy", "weekend", "Christmas"):
        assert wish not in body
    assert body.rstrip().endswith("Sam")  # the configured signature: nothing was learned
    explained = cli(config, "explain", "jdasovic@enron.com", "--now",
                    "2026-05-14T09:00:00+00:00").stdout
    assert "Merry" not in explained and "Happy" not in explained


def test_the_last_line_of_a_list_is_not_how_the_user_signs(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """Sam's questions end with a list of companies, the last one "True Exchange": that is
    neither Sam's sign-off nor the name Sam signs with."""
    config = setup_config(tmp_path, dovecot, mail_user)
    for day in (0, 2, 4):
        dovecot.append(mail_user, "Sent", [make_message(
            sender=ME, to="kay.young@enron.com", subject=f"NDAs {day}",
            date=LONG_AGO + timedelta(days=day),
            body="Kay,\n\nDo we have NDAs with these?\n\nAt the Moment\nTrue Exchange\n")])
        dovecot.append(mail_user, "INBOX", [make_message(
            sender="Kay Young <kay.young@enron.com>", to=ME, subject=f"Re: NDAs {day}",
            date=LONG_AGO + timedelta(days=day, hours=2), body="Yes, all of them.\n\nKay\n")])

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    body = next(m.get_content().replace("\r\n", "\n") for _, m, _ in review(dovecot, mail_user))
    assert "True" not in body and "Exchange" not in body
    assert body.rstrip().endswith("Sam")  # the configured signature


def test_an_assistants_sign_off_from_the_users_account_is_not_the_users(
        tmp_path: Path, dovecot: Dovecot, mail_user: str) -> None:
    """Sam signs "Thanks, Sam" to everyone; once, her assistant wrote to Tom from her
    account and signed "Thanks, Patti": a draft to Tom is still signed as Sam."""
    config = setup_config(tmp_path, dovecot, mail_user)
    for day, to in ((0, "ann@example.com"), (1, "bob@example.com"), (2, "cy@example.com")):
        dovecot.append(mail_user, "Sent", [make_message(
            sender=ME, to=to, subject=f"Notes {day}", date=LONG_AGO + timedelta(days=day),
            body="Here are my notes.\n\nThanks,\nSam\n")])
    dovecot.append(mail_user, "Sent", [make_message(
        sender=ME, to="Tom Gros <tom@example.com>", subject="Meeting",
        date=LONG_AGO + timedelta(days=3),
        body="Tom,\n\nSam asked me to find an hour with you next month.\n\nThanks,\nPatti\n")])
    dovecot.append(mail_user, "INBOX", [make_message(
        sender="Tom Gros <tom@example.com>", to=ME, subject="Re: Meeting",
        date=LONG_AGO + timedelta(days=4), body="Any Tuesday works.\n\nTom\n")])

    done = run_once(config)
    assert done.returncode == 0, done.stderr
    bodies = {str(m["To"]): m.get_content().replace("\r\n", "\n")
              for _, m, _ in review(dovecot, mail_user)}
    tom = next(body for to, body in bodies.items() if "tom@example.com" in to)
    assert "Patti" not in tom
    assert tom.rstrip().endswith("Thanks,\nSam")
