"""Threads while syncing: which thread each new message joins, whatever the read order.

Lookups see the stored links and the batches built in this sync that may not be stored
yet (they wait for their analysis). A message that ties threads together merges them: the
merge is recorded for the batch's transaction and applies at once to every later lookup.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from followthrough.mail.message_parse import ParsedMessage
from followthrough.mail.threads import linked_ids, thread_keys
from followthrough.state.history import History


class ThreadIndex:
    def __init__(self, account: str, history: History, unstored_batches: int) -> None:
        self.account = account
        self.history = history
        # Message-ID → thread key, for the batches not yet stored (newest last)
        self._recent: deque[dict[str, str]] = deque(maxlen=unstored_batches + 1)
        self._merged: dict[str, str] = {}  # joined key → the key it became, this sync
        self.start_batch()

    def start_batch(self) -> None:
        self._recent.append({})

    def current(self, key: str) -> str:
        """The key a thread has now, after the merges made in this sync."""
        seen = {key}
        while key in self._merged:
            key = self._merged[key]
            if key in seen:  # never happens: merges always go to a current key
                break
            seen.add(key)
        return key

    def lookup(self, message_id: str) -> str | None:
        for links in reversed(self._recent):
            if message_id in links:
                return self.current(links[message_id])
        stored = self.history.thread_of(self.account, message_id)
        return self.current(stored) if stored else None

    def assign(self, message: ParsedMessage,
               counterparts: Iterable[str]) -> tuple[str, list[tuple[str, str]]]:
        """The thread key of ``message`` and the merges (joined key, surviving key) it
        causes; its Message-IDs are linked to the key for the messages after it."""
        key, joined = thread_keys(message.message_id, message.in_reply_to, message.references,
                                  message.subject, counterparts, self.lookup)
        merges = [(other, key) for other in joined if other != key]
        for other, into in merges:
            self._merged[other] = into
        links = self._recent[-1]
        for linked in linked_ids(message.message_id, message.in_reply_to, message.references):
            links.setdefault(linked, key)
        return key, merges
