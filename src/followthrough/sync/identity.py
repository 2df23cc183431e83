"""Which stored message a fetched one is: identity by Message-ID, but never letting one
message stand for another with different content."""

from __future__ import annotations

from followthrough.mail.message_parse import ParsedMessage
from followthrough.state.history import Identity


def distinct_key(message: ParsedMessage) -> str:
    """The key of a message whose Message-ID is already taken by different content."""
    return f"{message.key}#{message.content_digest[:16]}"


def identify(message: ParsedMessage,
              known: dict[str, Identity]) -> tuple[str, Identity | None]:
    """The key to store ``message`` under, and what is stored there already (if anything).

    A stored message with the same key and the same content (or stored before contents were
    compared) is this message; one with different content is another message reusing the
    Message-ID, which must not hide this one: this one gets a key of its own."""
    stored = known.get(message.key)
    if stored is None or stored.digest is None or stored.digest == message.content_digest:
        return message.key, stored
    distinct = distinct_key(message)
    return distinct, known.get(distinct)
