"""Whether words name a concrete thing ("the Duke contract", "Q3 volumes", "the permit
hearing") or only point at one ("this", "it", "the problem", "your request", "the file").

Pure. A draft that asks "how is the problem going?" or follows up on "Is this a problem?"
says nothing its reader can place weeks later; such words are used only when the thing is
named.
"""

from __future__ import annotations

import re

# Nouns that stand for whatever the conversation was about, without naming it.
_GENERIC_TEXT = """
problem problems issue issues question questions request requests matter matters situation
thing things stuff one ones info information detail details status update updates news
answer answers response responses reply way ways time times day days week weeks help
email emails e-mail e-mails mail message messages call calls meeting meetings file files
document documents attachment attachments doc docs copy copies version versions list
form forms paperwork change changes comment comments item items point points part parts
work job task tasks project projects deal deals trouble difficulty difficulties
challenge challenges mess effort idea ideas case receipt convenience earliest attention
end side behalf
everything something anything nothing all rest same other others lot bit few
"""
GENERIC_NOUNS = frozenset(_GENERIC_TEXT.split())
# ("this", "that", "what" are left out: as often pronouns as determiners)
_DETERMINER = frozenset(("the", "a", "an", "my", "your", "our", "their", "his", "her", "its",
                         "some", "any", "each", "every", "another", "such"))
# Words of a phrase that are no noun: pronouns, auxiliaries, small words.
_SMALL_TEXT = """
i me we us you he him she they them it myself yourself ourselves and or but so if then
also just still again too very really is are was were be been being am do does did have
has had will would can could shall should may might must not to of for on in at by with
from up about into out over back as than when while how why where who whom whose
"""
_SMALL = frozenset(_SMALL_TEXT.split())
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&-]*")


def names_something(text: str) -> bool:
    """Whether the words name a concrete thing: a name or acronym (a capital not opening a
    sentence: "Duke", "AEP"), a number ("Q3"), or a word after a determiner that is not a
    stand-in ("the updated contract", not "the problem")."""
    flat = text.replace("’", "'")
    previous = ""
    for match in _TOKEN.finditer(flat):
        token = match.group(0)
        bare = token.lower().removesuffix("'s")
        opens_sentence = not flat[:match.start()].strip() or \
            flat[:match.start()].rstrip()[-1] in ".!?:;\"“(-"
        if any(ch.isdigit() for ch in token):
            return True
        if token[:1].isupper() and not opens_sentence and bare not in _SMALL | _DETERMINER:
            return True
        if previous in _DETERMINER and bare not in GENERIC_NOUNS | _SMALL | _DETERMINER:
            return True
        previous = bare
    return False


_STAND_IN_WORDS = frozenset(("this", "that", "it", "these", "those", "them", "something",
                             "stuff"))


def points_vaguely(text: str) -> bool:
    """Whether the words point at something without naming it: "forward this to me", "the
    problem", "make the call" (while "I'm swamped" points at nothing: it is whole)."""
    previous = ""
    for match in _TOKEN.finditer(text.replace("’", "'")):
        bare = match.group(0).lower().removesuffix("'s")
        if bare in _STAND_IN_WORDS or (previous in _DETERMINER and bare in GENERIC_NOUNS):
            return not names_something(text)
        previous = bare
    return False
