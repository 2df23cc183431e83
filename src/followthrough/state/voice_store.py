"""Reading what sync learned about names and the user's voice, per contact (see
``checkins/voice.py`` for how it is used)."""

from __future__ import annotations

from collections import defaultdict

from followthrough.checkins.voice import Voice, is_my_name, most_used, trusted_signature
from followthrough.mail.salutations import is_sign_off, is_signed_name
from followthrough.state.store import Store

MAX_RECIPIENTS_FOR_CLOSING = 4  # how the user signs to a crowd says little about one person
MIN_USUAL_CLOSING = 3  # the user's usual sign-off, for contacts never written to alone
MIN_HABIT, MIN_HABIT_SHARE = 2, 0.6  # a name signed this often is the user's own


_OUT_TO_FEW = """
    SELECT address, greeting, greeted_name, closing, signed_name, recipients FROM (
        SELECT p.address AS address, m.greeting AS greeting, m.greeted_name AS greeted_name,
               m.closing AS closing, m.signed_name AS signed_name, m.date AS date,
               (SELECT count(*) FROM participant q WHERE q.message = m.id
                AND q.role IN ('to', 'cc')) AS recipients
        FROM message m JOIN participant p ON p.message = m.id
        WHERE m.direction = 'out' AND p.role IN ('to', 'cc')
          AND (m.greeted_name IS NOT NULL OR m.closing IS NOT NULL))
    WHERE recipients <= ? ORDER BY date"""


class Voices:
    """Per contact what was learned; for anyone else, the user's usual sign-off and name."""

    def __init__(self, known: dict[str, Voice], usual: Voice) -> None:
        self.known = known
        self.usual = usual

    def of(self, address: str) -> Voice:
        return self.known.get(address, self.usual)


class VoiceStore:
    def __init__(self, store: Store) -> None:
        self.conn = store.conn

    def _me(self) -> tuple[set[str], list[str]]:
        """The addresses the user's sent mail comes from, and the names shown for them."""
        addresses: set[str] = set()
        names: list[str] = []
        for address, name in self.conn.execute(
                "SELECT p.address, p.name FROM participant p JOIN message m ON m.id = p.message "
                "WHERE m.direction = 'out' AND p.role = 'from' GROUP BY p.address, p.name"):
            addresses.add(address)
            if name:
                names.append(name)
        return addresses, names

    def _habitual_name(self) -> str:
        """The first name the user's sent mail is signed with most of the time (at least
        MIN_HABIT times and MIN_HABIT_SHARE of it), else ""."""
        firsts = [row[0].split()[0] for row in self.conn.execute(
            "SELECT signed_name FROM message WHERE direction = 'out' AND signed_name IS NOT "
            "NULL AND closing IS NOT NULL ORDER BY date") if row[0].split()]
        name = most_used(firsts)
        count = firsts.count(name)
        return name if count >= MIN_HABIT and count / len(firsts) >= MIN_HABIT_SHARE else ""

    def voices(self) -> Voices:
        greetings: dict[str, list[tuple[str, str]]] = defaultdict(list)
        closings: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        my_addresses, my_names = self._me()

        habitual = self._habitual_name()

        def signed_by_me(closing: str, signed: str | None) -> bool:
            """A name closing the user's mail is theirs when it fits their address or
            display name, or is the name they mostly sign with ("--Sally" for "Sam"); not
            the last line of a list ("True Exchange") nor an assistant's ("Thanks, Patti")."""
            if signed is None or not signed.split():
                return True
            if is_my_name(signed, my_addresses, my_names):
                return True
            bare = closing.strip() == signed.strip()  # no "Thanks," nor "--" before it
            return not bare and signed.split()[0] == habitual

        for row in self.conn.execute(_OUT_TO_FEW, (MAX_RECIPIENTS_FOR_CLOSING,)):
            address, greeting, greeted, closing, signed_name, recipients = row
            if closing is not None and (not is_sign_off(closing)
                                        or not signed_by_me(closing, signed_name)):
                # a wish read as a sign-off by older versions, or a name that is not theirs
                closing = signed_name = None
            if greeted is not None and (not is_signed_name(greeted)
                                        or not is_sign_off(greeting or "")):
                greeted = None  # "Happy New Year, Jeff!" says nothing about July
            if greeted is not None and recipients == 1:  # a greeting to them alone
                greetings[address].append((greeted, greeting or ""))
            if closing is not None:
                closings[address].append((closing, signed_name is not None))
        usual_rows = [r for r in self.conn.execute(
            "SELECT closing, signed_name FROM message WHERE direction = 'out' "
            "AND closing IS NOT NULL ORDER BY date") if is_sign_off(r[0])
            and (r[1] is None or (is_signed_name(r[1]) and signed_by_me(r[0], r[1])))]
        usual = [(r[0], r[1] is not None) for r in usual_rows]
        my_name = most_used([r[1].split()[0] for r in usual_rows if r[1] and r[1].split()])
        signed: dict[str, list[str]] = defaultdict(list)
        for row in self.conn.execute(
                "SELECT p.address, m.signed_name FROM message m "
                "JOIN participant p ON p.message = m.id AND p.role = 'from' "
                "WHERE m.direction = 'in' AND m.automated IS NULL "
                "AND m.signed_name IS NOT NULL ORDER BY m.date"):
            signed[row[0]].append(row[1])
        displays: dict[str, list[str]] = defaultdict(list)
        for row in self.conn.execute(
                "SELECT address, name, count(*) AS n FROM participant WHERE name != '' "
                "GROUP BY address, name ORDER BY address, n DESC"):
            displays[row[0]].append(row[1])
        usual_closing = most_used([c for c, _ in usual])
        if sum(1 for c, _ in usual if c == usual_closing) < MIN_USUAL_CLOSING:
            usual_closing = ""
        usual_named = any(c == usual_closing and n for c, n in usual)
        out: dict[str, Voice] = {}
        for address in set(greetings) | set(closings) | set(signed) | set(displays):
            greeted = most_used([n for n, _ in greetings.get(address, [])])
            line = next((g for n, g in reversed(greetings.get(address, []))
                         if n == greeted and g), "")
            mine = closings.get(address, [])
            closing = most_used([c for c, _ in mine]) or usual_closing
            named = any(c == closing and n for c, n in [*mine, *usual])
            names = tuple(displays.get(address, ()))
            out[address] = Voice(greeted, line,
                                 trusted_signature(signed.get(address, []), address, names),
                                 names, closing, named, my_name)
        return Voices(out, Voice(closing=usual_closing, closing_has_name=usual_named,
                                 my_name=my_name))
