"""Blocking: which pairs of records are worth scoring at all.

Scoring every pair of a million records is 5 * 10^11 comparisons; instead a
record is compared only with records that share a *blocking key* under at
least one rule.  Each rule combines phonetic keys (so spelling and script do
not matter) so that a single error in any one field still leaves another rule
under which the two records meet.  Blocks larger than ``max_block`` (a very
common name combination) are skipped for that rule: the other rules, which
add a date or a third name, still cover those pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .score import PreparedRecord

# Field combinations; see record_keys for the field names.
RULES: tuple[tuple[str, ...], ...] = (
    ("given", "family", "father"),
    ("given", "family", "year"),
    ("given", "father", "year"),
    ("family", "father", "year"),
    ("dob", "given"),
    ("dob", "family"),
    ("dob", "father"),
    ("given", "family"),
    ("given", "father"),
    ("family", "father"),
)
DEFAULT_MAX_BLOCK = 400


def record_keys(r: PreparedRecord) -> tuple[str | None, ...]:
    """The blocking key of a record under each rule (None: a field is missing)."""
    fields = {
        "given": r.given.key if r.given else "",
        "family": r.family.key if r.family else "",
        "father": r.father.key if r.father else "",
        "year": str(r.dob.year) if r.dob else "",
        "dob": r.dob.isoformat() if r.dob else "",
    }
    out: list[str | None] = []
    for rule in RULES:
        parts = [fields[f] for f in rule]
        out.append("|".join(parts) if all(parts) else None)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Block:
    """Indices of records sharing one key under one rule."""

    rule: int
    members: tuple[int, ...]


class Blocker:
    """Builds blocks and enumerates each candidate pair exactly once."""

    def __init__(self, records: Sequence[PreparedRecord], *, max_block: int = DEFAULT_MAX_BLOCK) -> None:
        self.keys = [record_keys(r) for r in records]
        self.max_block = max_block
        self.blocks: list[Block] = []
        self.oversized: list[set[str]] = [set() for _ in RULES]
        for rule in range(len(RULES)):
            index: dict[str, list[int]] = {}
            for i, ks in enumerate(self.keys):
                k = ks[rule]
                if k is not None:
                    index.setdefault(k, []).append(i)
            for k, members in index.items():
                if len(members) < 2:
                    continue
                if len(members) > max_block:
                    self.oversized[rule].add(k)
                    continue
                self.blocks.append(Block(rule, tuple(members)))

    def candidate_pairs(self) -> int:
        """Upper bound of pairs to score (pairs in several blocks counted once per block)."""
        return sum(len(b.members) * (len(b.members) - 1) // 2 for b in self.blocks)

    def pairs(self, block: Block) -> Iterator[tuple[int, int]]:
        """Pairs of a block that no earlier rule has already produced."""
        keys, oversized, rule = self.keys, self.oversized, block.rule
        members = block.members
        for x in range(len(members)):
            i = members[x]
            ki = keys[i]
            for y in range(x + 1, len(members)):
                j = members[y]
                kj = keys[j]
                seen = False
                for q in range(rule):
                    kq = ki[q]
                    if kq is not None and kq == kj[q] and kq not in oversized[q]:
                        seen = True
                        break
                if not seen:
                    yield i, j
