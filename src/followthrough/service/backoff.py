"""Waiting before trying a server again: capped exponential backoff with jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

AUTH_RETRY = 30 * 60.0  # a refused password is retried slowly: never lock the account


@dataclass
class Backoff:
    """Delays of base·2ⁿ seconds, capped, each shortened by up to half at random (jitter),
    so that many clients do not return at the same moment."""

    base: float = 2.0
    cap: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def failed(self, auth: bool = False) -> float:
        """Record a failure; the number of seconds to wait before the next try."""
        self.failures += 1
        if auth:
            return AUTH_RETRY
        ceiling = min(self.cap, self.base * 2.0 ** (self.failures - 1))
        return ceiling * (0.5 + 0.5 * self.rng.random())

    def succeeded(self) -> None:
        self.failures = 0
