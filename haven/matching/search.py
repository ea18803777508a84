"""The search index: what is indexed for a person, and how it is queried.

A thin adapter between the plain-Python core (``haven.matching.core``) and
the databases. Every name of a person, in every script, becomes tokens:

- ``q<key>``: the cross-script phonetic key of each name token, lower-cased
  (محمد, Mohammad and Мухаммед all give ``qmhmd``); ``_`` in compound keys
  (``ABD_RHMN``) is written ``q`` (the key alphabet has no ``q``);
- the folded spelling of each token in its own script (``мухаммед``), for
  prefix search while typing in the same script;
- the Latin reading of each token (``mohammed``), for prefix search in
  Latin over names stored only in Arabic or Cyrillic;
- ``y<year>`` for the year of birth (the duplicate check narrows by it);
- ``zz<site>``: the site, written in letters only, so the full-text index
  itself can restrict a query to a few sites.

A query is tokenised the same way. Every complete word must match by its key
(AND); the word being typed (the last, when the text does not end with a
space) matches by prefix of its folded spelling, of its Latin reading or of
its key. Candidates come from the index (SQLite FTS5; PostgreSQL full text
or pg_trgm) and are ranked with rapidfuzz in :mod:`haven.matching.selectors`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from haven.matching.core.keys import raw_key
from haven.matching.core.normalize import Token, tokenize
from haven.matching.core.scripts import fold_token

MIN_QUERY_CHARS = 2
"""Search starts at this many letters: one letter matches a fifth of any registry."""
SITE_TOKEN_LIMIT = 8
"""Up to this many sites are matched inside the full-text index; beyond, by a column filter."""
_HEX_TO_LETTERS = str.maketrans("0123456789", "ghijklmnop")
_SAFE = re.compile(r"[^\w]+", re.UNICODE)


def key_token(key: str) -> str:
    """The index token of one phonetic key (``MHMD`` -> ``qmhmd``)."""
    return "q" + key.lower().replace("_", "q").replace(" ", "")


def site_token(site_id: uuid.UUID | str) -> str:
    return "zz" + uuid.UUID(str(site_id)).hex.translate(_HEX_TO_LETTERS)


def year_token(year: int) -> str:
    return f"y{year}"


def _clean(word: str) -> str:
    return _SAFE.sub("", word.lower())


def token_forms(token: Token) -> list[str]:
    """Index tokens for one normalised name token."""
    forms = [key_token(token.key), _clean(token.text)]
    forms.extend(_clean(w) for w in token.latin.split())
    return [f for f in forms if f]


def index_text(*, names: Iterable[str], site_id: uuid.UUID | str, date_of_birth: date | None) -> str:
    """The text stored in PersonSearchIndex for one person (tokens, deduplicated)."""
    seen: dict[str, None] = {}
    for value in names:
        for token in tokenize(value or ""):
            for form in token_forms(token):
                seen.setdefault(form, None)
    if date_of_birth is not None:
        seen.setdefault(year_token(date_of_birth.year), None)
    seen.setdefault(site_token(site_id), None)
    # Leading and trailing spaces let pg_trgm's LIKE patterns anchor on words.
    return " " + " ".join(seen) + " "


def _partial_key(word: str) -> str:
    """Key prefix of a word still being typed.

    The full-word rules treat the end of a word specially (a final vowel, a
    final h after a vowel); a partial word has no end yet, so a consonant is
    appended before keying and its class removed again. If the appended
    letter merged with the word's last class, the prefix is one class shorter
    (less selective, never wrong).
    """
    folded, script = fold_token(word)
    if not folded or script not in ("latin", "cyrillic", "arabic"):
        return ""
    sentinel = {"latin": "l", "cyrillic": "л", "arabic": "ل"}[script]
    key = raw_key(folded + sentinel, script)
    return key[:-1] if key.endswith("L") else key


@dataclass
class ParsedQuery:
    """A search text split into words that must match (AND of OR-groups)."""

    groups: list[tuple[list[str], list[str]]] = field(default_factory=list)
    """Each group: (exact tokens, prefix tokens); a row matches the group if any matches."""
    tokens: tuple[Token, ...] = ()
    partial: str = ""

    def __bool__(self) -> bool:
        return bool(self.groups)


def parse_query(text: str) -> ParsedQuery:
    """Turn what the user typed into index-token groups (see the module docstring)."""
    text = (text or "")[:200]
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_QUERY_CHARS:
        return ParsedQuery()
    typing = not text[-1:].isspace()
    tokens = tokenize(text)
    if not tokens:
        return ParsedQuery()
    groups: list[tuple[list[str], list[str]]] = []
    complete = tokens[:-1] if typing else tokens
    for t in complete:
        groups.append(([key_token(t.key)], []))
    partial = ""
    if typing:
        last = tokens[-1]
        words = [w for w in re.split(r"[\s\-‐_]+", text.strip()) if w]
        partial = words[-1] if words else last.text
        exact = [key_token(last.key)]
        prefixes = {_clean(last.text)}
        prefixes.update(_clean(w) for w in last.latin.split()[-1:])
        pk = _partial_key(partial)
        if pk:
            prefixes.add(key_token(pk))
        groups.append((exact, sorted(p for p in prefixes if len(p) >= MIN_QUERY_CHARS)))
    return ParsedQuery(groups=groups, tokens=tokens, partial=partial)


# --- Writing the index ----------------------------------------------------------------


def index_write(rows: Sequence[tuple[int, str]]) -> None:
    """Mirror (index id, text) rows into the SQLite FTS5 table (PostgreSQL indexes the column itself)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM matching_person_fts WHERE rowid = %s", [(r[0],) for r in rows])
        cursor.executemany("INSERT INTO matching_person_fts (rowid, text) VALUES (%s, %s)", list(rows))


def index_delete(ids: Sequence[int]) -> None:
    if connection.vendor != "sqlite" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM matching_person_fts WHERE rowid = %s", [(i,) for i in ids])


def index_clear() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM matching_person_fts")


# --- Querying the index ----------------------------------------------------------------


def _fts5_quote(tok: str) -> str:
    return '"' + tok.replace('"', "") + '"'


def fts5_expression(groups: Sequence[tuple[list[str], list[str]]], sites: Sequence[str] = ()) -> str:
    parts = []
    for exact, prefixes in groups:
        alts = [_fts5_quote(t) for t in exact] + [_fts5_quote(p) + "*" for p in prefixes]
        parts.append("(" + " OR ".join(alts) + ")")
    if sites:
        parts.append("(" + " OR ".join(_fts5_quote(s) for s in sites) + ")")
    return " AND ".join(parts)


def tsquery_expression(groups: Sequence[tuple[list[str], list[str]]], sites: Sequence[str] = ()) -> str:
    parts = []
    for exact, prefixes in groups:
        alts = [t for t in exact] + [p + ":*" for p in prefixes]
        parts.append("(" + " | ".join(alts) + ")")
    if sites:
        parts.append("(" + " | ".join(sites) + ")")
    return " & ".join(parts)


def postgres_method() -> str:
    """``tsvector`` (default, faster in our measurements) or ``trgm`` (HAVEN_SEARCH_PG=trgm)."""
    import os

    return os.environ.get("HAVEN_SEARCH_PG", "tsvector")


def candidates(
    groups_list: Sequence[Sequence[tuple[list[str], list[str]]]],
    *,
    site_ids: Iterable[uuid.UUID],
    limit: int,
    total_limit: int | None = None,
) -> list[uuid.UUID]:
    """Ids of persons whose index text matches any of the group lists, at the given sites.

    Each element of ``groups_list`` is one conjunction (AND of OR-groups);
    the duplicate check passes several (given+family, given+father, ...).
    The order is the index's, not a ranking: callers rank. Each conjunction
    brings at most ``limit`` ids; all together at most ``total_limit``.
    """
    total = total_limit or limit * max(1, len(groups_list))
    sites = sorted(site_ids, key=str)
    if not sites or not groups_list:
        return []
    in_fts = [site_token(s) for s in sites] if len(sites) <= SITE_TOKEN_LIMIT else []
    site_params = [s.hex if connection.vendor == "sqlite" else s for s in sites]
    placeholders = ",".join(["%s"] * len(sites))
    found: dict[uuid.UUID, None] = {}
    with connection.cursor() as cursor:
        for groups in groups_list:
            if not groups:
                continue
            if connection.vendor == "sqlite":
                sql = (
                    "SELECT i.person_id FROM matching_person_fts f "  # noqa: S608 - only placeholders are interpolated
                    "JOIN matching_personsearchindex i ON i.id = f.rowid "
                    f"WHERE matching_person_fts MATCH %s AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(sql, [fts5_expression(groups, in_fts), *site_params, limit])
            elif postgres_method() == "trgm":
                clauses, params = [], []
                for exact, prefixes in groups:
                    alts = [f"% {t} %" for t in exact] + [f"% {p}%" for p in prefixes]
                    clauses.append("(" + " OR ".join(["i.text LIKE %s"] * len(alts)) + ")")
                    params.extend(alts)
                sql = (
                    "SELECT i.person_id FROM matching_personsearchindex i WHERE "  # noqa: S608 - only placeholders are interpolated
                    + " AND ".join(clauses)
                    + f" AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(sql, [*params, *site_params, limit])
            else:
                sql = (
                    "SELECT i.person_id FROM matching_personsearchindex i "  # noqa: S608 - only placeholders are interpolated
                    "WHERE to_tsvector('simple'::regconfig, i.text) @@ to_tsquery('simple', %s) "
                    f"AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(sql, [tsquery_expression(groups, in_fts), *site_params, limit])
            for (pid,) in cursor.fetchall():
                found.setdefault(pid if isinstance(pid, uuid.UUID) else uuid.UUID(str(pid)), None)
            if len(found) >= total:
                break
    return list(found)[:total]
