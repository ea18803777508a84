"""A value recomputed at most once in a while, per process.

For figures that only steer a choice (how to filter by site, the scorer's
prior), never what anyone may see: being a few minutes stale is harmless,
and a query per request is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Timed(Generic[T]):
    """``compute()``'s result, kept for ``seconds`` (then computed again on the next call)."""

    def __init__(self, seconds: float, compute: Callable[[], T]) -> None:
        self.seconds = seconds
        self.compute = compute
        self._at: float | None = None
        self._value: T | None = None

    def __call__(self) -> T:
        now = time.monotonic()
        if self._at is None or now - self._at > self.seconds:
            self._value, self._at = self.compute(), now
        return self._value  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget the value: the next call computes it."""
        self._at = None
