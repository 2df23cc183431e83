"""The demo mailbox: conversations written for the demo (every name and word is invented).

Sam Rivera runs a small startup. Over four months Sam wrote with an investor who mentors
them, a builder with a permit problem, a former colleague who launched a product, and a
supplier who has gone quiet — and received a newsletter, which must never get a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

ME = "Sam Rivera <sam@rivera-labs.example>"
CENTRAL = timezone(timedelta(hours=-5))


@dataclass
class Mail:
    when: str  # "2026-01-12 09:14"
    sender: str
    to: str
    subject: str
    body: str
    reply_to: Mail | None = None
    extra: tuple[tuple[str, str], ...] = ()
    message_id: str = ""

    @property
    def outgoing(self) -> bool:
        return self.sender == ME


def _bytes(mail: Mail) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = mail.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.strptime(mail.when, "%Y-%m-%d %H:%M")
                                      .replace(tzinfo=CENTRAL))
    mail.message_id = mail.message_id or make_msgid(domain=mail.sender.split("@")[1].rstrip(">"))
    message["Message-ID"] = mail.message_id
    if mail.reply_to is not None:
        message["In-Reply-To"] = mail.reply_to.message_id
        message["References"] = mail.reply_to.message_id
    for name, value in mail.extra:
        message[name] = value
    message.set_content(mail.body)
    return message.as_bytes()


PRIYA = "Priya Shah <priya@northwind-ventures.example>"
MARCO = "Marco Bianchi <marco@bianchi-builders.example>"
LENA = "Lena Okafor <lena@okafor.example>"
TOM = "Tom Reyes <tom@reyes-supply.example>"


def conversations() -> list[Mail]:
    mails: list[Mail] = []

    def add(mail: Mail) -> Mail:
        mails.append(mail)
        return mail

    # Priya: investor and mentor ([[group]] "mentors", cadence 30d)
    p1 = add(Mail("2026-01-12 09:14", PRIYA, ME, "Great meeting you at demo day",
                  "Hi Sam,\n\nIt was great to meet you at demo day. Your pitch on inventory "
                  "forecasting stuck with me.\n\nPriya\n"))
    p2 = add(Mail("2026-01-13 08:02", ME, PRIYA, "Re: Great meeting you at demo day",
                  "Thanks Priya! I'll send you the Q1 deck by Friday.\n\nSam\n", p1))
    add(Mail("2026-01-16 16:40", ME, PRIYA, "Re: Great meeting you at demo day",
             "Here is the deck, as promised.\n\nSam\n", p2))
    p4 = add(Mail("2026-03-30 11:20", PRIYA, ME, "Seed round",
                  "Sam,\n\nCongratulations on closing the seed round! That is a big "
                  "milestone.\n\nOn my side, we're swamped with the annual meeting prep, so "
                  "apologies if I'm slow to answer.\n\nPriya\n"))
    add(Mail("2026-04-01 07:55", ME, PRIYA, "Re: Seed round",
             "Thank you so much, Priya. I'll introduce you to Dana from Acme next week — "
             "I think you two would get along.\n\nSam\n", p4))
    add(Mail("2026-05-12 18:05", ME, PRIYA, "Hiring plan",
             "Hi Priya,\n\nQuick one: I'll send you the hiring plan by Friday so you can "
             "look it over before our call.\n\nSam\n"))

    # Marco: the builder doing the office fit-out; a permit hearing on May 12
    m1 = add(Mail("2026-04-20 17:31", MARCO, ME, "Permit",
                  "Hi Sam,\n\nBad news on the permit. We're stuck until the permit hearing on "
                  "May 12, which is stressful with the crew waiting.\n\nMarco\n"))
    add(Mail("2026-04-21 08:10", ME, MARCO, "Re: Permit",
             "Marco, sorry to hear that. Fingers crossed, and thanks for keeping me in "
             "the loop.\n\nSam\n", m1))

    # Lena: former colleague; her beta launched; she offered an invite
    l1 = add(Mail("2026-02-03 10:12", LENA, ME, "Big news",
                  "Sam!\n\nBig news: the beta launch went great! I'll send you an invite "
                  "code once the waitlist opens.\n\nLena\n"))
    l2 = add(Mail("2026-02-04 09:00", ME, LENA, "Re: Big news",
                  "Congratulations on the launch, Lena! I would love an invite.\n\nSam\n",
                  l1))
    add(Mail("2026-04-02 12:45", LENA, ME, "Re: Big news",
             "Sorry for the radio silence, things have been hectic here. Let's catch up "
             "soon.\n\nLena\n", l2))

    # Tom: supplier; Sam's question has gone unanswered for ten days
    t1 = add(Mail("2026-04-10 14:03", TOM, ME, "Supplier contract",
                  "Hi Sam,\n\nAttached is the draft supplier contract for the pallets.\n\n"
                  "Tom\n"))
    add(Mail("2026-05-04 09:30", ME, TOM, "Re: Supplier contract",
             "Hi Tom,\n\nThanks for the draft. Could you share the updated version with the "
             "new delivery terms when you have a moment?\n\nSam\n", t1))

    # A newsletter: remembered, never answered
    add(Mail("2026-05-11 06:00", "Acme Weekly <news@acme-weekly.example>", ME,
             "This week at Acme", "Top stories this week...\n",
             extra=(("List-Id", "<weekly.acme-weekly.example>"),
                    ("List-Unsubscribe", "<mailto:leave@acme-weekly.example>"))))
    return mails


def mailbox() -> tuple[list[bytes], list[bytes]]:
    """(INBOX, Sent) as raw messages."""
    mails = conversations()
    raws = [(_bytes(m), m.outgoing) for m in mails]
    return [r for r, out in raws if not out], [r for r, out in raws if out]


CONFIG = """\
state_dir = "state"

[[account]]
name = "demo"
host = "localhost"
port = {port}
username = "sam"
password_command = "cat '{password_file}'"
ca_file = "{ca_file}"
addresses = ["sam@rivera-labs.example"]
review_folder = "Follow-ups"

[schedule]
drafts_at = "08:30"

[cadence]
default = "30d"
nudge_after = "7d"
max_drafts_per_day = 5

[[group]]
name = "mentors"
cadence = "30d"
members = ["priya@northwind-ventures.example"]

[draft]
signature = "Sam"
"""
