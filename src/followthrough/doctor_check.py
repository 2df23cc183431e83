"""One line of ``followthrough doctor``: what was checked, ✓ or ✗, and the fix for a ✗."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
