"""followthrough: a local-first follow-up assistant that drafts check-ins into your mailbox."""

__version__ = "0.1.0"
