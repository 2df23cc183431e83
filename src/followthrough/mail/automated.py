"""Recognising mail that no person wrote to the user: lists, bulk, auto-replies, bounces."""

from __future__ import annotations

import re
from collections.abc import Mapping

from followthrough.mail.addresses import looks_like_machine

_BULK_PRECEDENCE = {"bulk", "list", "junk"}


_ADDRESS_IN_NAME = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def spoofing_reason(sender: str, display_name: str) -> str | None:
    """A display name that shows another address ("boss@company.com" <x@evil.example>)
    is a classic spoof: such mail is kept but never treated as a relationship."""
    for shown in _ADDRESS_IN_NAME.findall(display_name):
        if shown.lower() != sender.lower():
            return f"display name shows another address ({shown}): possible spoofing"
    return None


def automated_reason(headers: Mapping[str, str], sender: str) -> str | None:
    """Why this message is automated, or None when a person seems to have written it.

    ``headers`` maps lower-case header names to their (first) value.
    """
    if "list-id" in headers:
        return "mailing list (List-Id)"
    if "list-unsubscribe" in headers:
        return "bulk mail (List-Unsubscribe)"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted.split(';')[0]}"
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "auto-reply"
    if headers.get("return-path", "").strip() == "<>":
        return "null Return-Path (bounce or notification)"
    content_type = headers.get("content-type", "").lower()
    if content_type.startswith("multipart/report"):
        return "delivery report"
    if not sender:
        return "no sender address"
    if looks_like_machine(sender):
        return f"machine sender address ({sender.partition('@')[0]}@…)"
    return None
