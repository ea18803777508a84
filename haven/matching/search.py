"""The search index: what is indexed for a person, and how it is queried.

A thin adapter between the plain-Python core (``haven.matching.core``) and
the databases. Every name of a person, in every script, becomes tokens:

- ``q<key>``: the cross-script phonetic key of each name token, lower-cased
  (محمد, Mohammad and Мухаммед all give ``qmhmd``); ``_`` in compound keys
  (``ABD_RHMN``) is written ``q`` (the key alphabet has no ``q``); and, after
  the other tokens, the key of the listed name a mistyped word is read as
  when it is not the word's own (حيجر, Haydar mistyped, is ``qhjr`` and also
  ``qhydr``: :func:`_read_key`);
- the folded spelling of each token in its own script (``мухаммед``), for
  prefix search while typing in the same script;
- the Latin reading of each token (``mohammed``), for prefix search in
  Latin over names stored only in Arabic or Cyrillic;
- ``0<variant>``: each one-letter deletion of each key (SymSpell style:
  ``qmhmd`` gives ``0hmd``, ``0mmd``, ``0mhd``, ``0mhm``), so a key with one
  letter wrong, missing, added or two letters swapped still meets its
  record in the typo-tolerant pass (digits never occur in names, so these
  tokens never collide with a spelling);
- ``2<prefix>``: the first three to six letters of each of these forms
  (edge n-grams, as search-as-you-type indexes are built), so the word being
  typed is one exact token (``2мух``) rather than a prefix query;
- ``1f``, ``1g``, ``1s`` when the person has no father's, grandfather's or
  family name recorded, so a search may look for "this word, or no such part
  at all" (a UNHCR paper often gives only the given and the family name);
- ``y<year>`` for the year of birth, ``y0`` when it is unknown (the
  duplicate check narrows by it, and a year typed in the search box is
  matched to it, give or take a year; an unknown year never rules anyone out);
- ``zz<site>``: the site, written in letters only, so the full-text index
  itself can restrict a query to a few sites.

A query is tokenised the same way. Every complete word must match by its key,
or by the key of the name it reads as (AND); the word being typed (the last,
when the text does not end with a space) matches by prefix of its folded
spelling, of its Latin reading or of its key (up to six letters as an indexed edge token, longer ones by a
prefix query). Candidates come from the index (SQLite FTS5; PostgreSQL full text
or pg_trgm) and are ranked with rapidfuzz in :mod:`haven.matching.selectors`,
which relaxes the query in tiers when it brings too few (see
:func:`fuzzy_group` and :func:`relaxed`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache, partial

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from rapidfuzz import fuzz, process

from haven.lib.timed import Timed
from haven.matching.core.keys import raw_key
from haven.matching.core.normalize import (
    GLUED_ARTICLES,
    HYPHENS,
    Token,
    is_article,
    is_particle,
    joined_token,
    tokenize,
)
from haven.matching.core.reading import CONFIDENT, confident_name, name_key, read_name, reads_as_other, script_of
from haven.matching.core.scripts import fold_token

MIN_QUERY_CHARS = 2
"""Search starts at this many letters: one letter matches a fifth of any registry."""
SITE_TOKEN_LIMIT = 8
"""Up to this many sites are matched inside the full-text index; beyond, by a column filter only."""
_HEX_TO_LETTERS = str.maketrans("0123456789", "ghijklmnop")
_SAFE = re.compile(r"[^\w]+", re.UNICODE)
logger = logging.getLogger(__name__)


def key_token(key: str) -> str:
    """The index token of one phonetic key (``MHMD`` -> ``qmhmd``)."""
    return "q" + key.lower().replace("_", "q").replace(" ", "")


def site_token(site_id: uuid.UUID | str) -> str:
    return "zz" + uuid.UUID(str(site_id)).hex.translate(_HEX_TO_LETTERS)


def year_token(year: int) -> str:
    return f"y{year}"


NO_YEAR = "y0"
"""Index token of a person whose date of birth is unknown: a year typed or given cannot rule them out."""


def year_key_token(key_tok: str, year: int | None) -> str:
    """A word's key and the person's year of birth as one token (``qmhmd``, 1985 -> ``5mhmd1985``; unknown: ``5mhmd0``).

    A year typed after the names is looked up with a word's key: the GIN or
    FTS5 index then reads the few persons of that name born that year,
    instead of intersecting the name's postings with the year's (tens of
    thousands each at a million persons, for every conjunction of every
    tier). Keys hold no digits, so the token is unambiguous; it does not
    start with ``q``, so a person's keys are still counted by ``" q"``.
    """
    return f"5{key_tok[1:]}{year or 0}"


def with_year(conjunction: Sequence[Group], years: Sequence[int]) -> list[Group]:
    """A conjunction narrowed to persons born in one of ``years`` or of unknown year.

    The first group that is a complete word's key alone (``[qmhmd]``, no
    prefixes) is replaced by that key with each year (``5mhmd1985`` ...,
    ``5mhmd0``); a conjunction with no such group (every word widened by
    typos, or still being typed) takes the year tokens as a group of their own.
    """
    for i, (exact, prefixes) in enumerate(conjunction):
        if exact and not prefixes and all(t[:1] == "q" for t in exact):
            keyed = [year_key_token(t, y) for t in exact for y in [*years, None]]
            return [*conjunction[:i], (keyed, []), *conjunction[i + 1 :]]
    return [*conjunction, ([*(year_token(y) for y in years), NO_YEAR], [])]


DELETION_MIN_KEY = 3
"""Keys shorter than this get no deletion variants (two letters match a tenth of any registry)."""


def deletions(body: str) -> list[str]:
    """One-letter deletions of a key body (``mhmd`` -> ``hmd mmd mhd mhm``), at least two letters long."""
    if len(body) < DELETION_MIN_KEY:
        return []
    return list(dict.fromkeys(body[:i] + body[i + 1 :] for i in range(len(body))))


def deletion_tokens(key_tok: str) -> list[str]:
    """Index tokens of the deletion variants of one key token (``qmhmd`` -> ``0hmd``, ...)."""
    return ["0" + d for d in deletions(key_tok[1:])]


def _clean(word: str) -> str:
    return _SAFE.sub("", word.lower())


def token_forms(token: Token) -> list[str]:
    """Index tokens for one normalised name token."""
    forms = [key_token(token.key), _clean(token.text)]
    forms.extend(_clean(w) for w in token.latin.split())
    return [f for f in forms if f]


EDGE_MIN, EDGE_MAX = 3, 6
"""Prefixes of this many letters of every indexed form are indexed as tokens of their own (``2<prefix>``)."""


def edge_token(prefix: str) -> str:
    """The index token of a form's leading letters (``мух`` -> ``2мух``)."""
    return "2" + prefix


def edge_tokens(form: str) -> list[str]:
    """Index tokens for the leading letters of one form (``мухаммед`` -> ``2мух 2муха 2мухам 2мухамм``).

    What a search-as-you-type index is made of: a word being typed is then
    looked up as one exact token, which the index intersects with the other
    words cheaply, where a prefix query (``мух*``) first gathers the postings
    of every token that starts so (on PostgreSQL's GIN index, 100-150 ms at a
    million persons for ``Mohammed* & Layla``; session 5).
    """
    return [edge_token(form[:n]) for n in range(EDGE_MIN, min(len(form), EDGE_MAX) + 1)]


REPEAT_MAX = 4
"""A key borne more often than this is marked as borne this often."""


def repeat_token(key_tok: str, times: int) -> str:
    """The index token of a key that ``times`` of a person's name words share (``qamr``, 3 -> ``33amr``).

    The index holds each token once, so "Omar Omar al-Omar" and "Omar Ahmed
    al-Omar" look alike to it: a search for the first would read an arbitrary
    few hundred of the thousands of Omars and could miss every one who bears
    the name three times. A person bearing a key ``n`` times is indexed with
    its repeat tokens for 2 to ``n`` times, so the strict tier can ask for it.
    """
    return "3" * (min(times, REPEAT_MAX) - 1) + key_tok[1:]


def prefix_is_edge(prefix: str) -> bool:
    """True when a prefix is looked up as an indexed edge token rather than by a prefix query."""
    return EDGE_MIN <= len(prefix) <= EDGE_MAX


MISSING_PART_TOKENS = {"father": "1f", "grandfather": "1g", "family": "1s"}
"""Index token per name part the person has no value for (digits never occur in names)."""
MISSING_CREDIT = 0.6
"""Credit for a typed word whose part the record lacks, in the quick score and the reranker.

Below a word with a typo (about 0.76 and up): a part never recorded is no
contradiction, but no support either. 0.75 (level with a typo) let records
without a father's name crowd a page at a million persons: 0.6 measured
recall@10 0.895 -> 0.907 at 1M, 0.963 -> 0.958 at 100k, unchanged with the
year and at 10k (session 3, docs/performance.md)."""
QUERY_PARTS = {3: ("given", "father", "family"), 4: ("given", "father", "grandfather", "family")}
"""The name part of each typed word, by number of words, when a full name is typed in the usual order."""


NAME_PART_ORDER = ("given", "father", "grandfather", "family")
"""The order of a person's names in their index text (a full name's order): the quick pre-rank reads it."""


def names_in_order(names: Iterable[tuple[str, str]]) -> list[str]:
    """The values of (part, value) pairs in :data:`NAME_PART_ORDER`, as :func:`index_text` is to be given them.

    The database returns a person's names by part's name (family, father, given); the quick
    pre-rank credits the words in the order typed (:data:`ORDER_CREDIT`). Stable within a part.
    """
    rank = {part: i for i, part in enumerate(NAME_PART_ORDER)}
    return [value for part, value in sorted(names, key=lambda pv: rank.get(pv[0], len(rank)))]


def person_index_text(names: Sequence[tuple[str, str]], *, site_id: uuid.UUID | str, date_of_birth: date | None) -> str:
    """:func:`index_text` of one person's (part, value) names as the database returns them, in any order."""
    return index_text(
        names=names_in_order(names),
        site_id=site_id,
        date_of_birth=date_of_birth,
        parts={part for part, _value in names},
    )


def index_text(
    *,
    names: Iterable[str],
    site_id: uuid.UUID | str,
    date_of_birth: date | None,
    parts: Iterable[str] | None = None,
) -> str:
    """The text stored in PersonSearchIndex for one person (tokens, deduplicated).

    ``names`` in the order of :data:`NAME_PART_ORDER` (:func:`names_in_order`): each word's
    tokens come first in that order. ``parts``: the name parts the person has a value for (``given``,
    ``father`` ...); each missing one is marked with its token.
    """
    seen: dict[str, None] = {}
    variants: dict[str, None] = {}
    keys: Counter[str] = Counter()
    read: dict[str, None] = {}
    for value in names:
        for token in tokenize(value or ""):
            keys[key_token(token.key)] += 1
            for form in token_forms(token):
                seen.setdefault(form, None)
                for edge in edge_tokens(form):
                    variants.setdefault(edge, None)
            for form in deletion_tokens(key_token(token.key)):
                variants.setdefault(form, None)
            # حيجر, Haydar mistyped: also under Haydar's key; Dhair under Daher's and Thair's.
            for form in _read_key(token, likely=INDEXED_READING):
                keys[form] += 1
                read.setdefault(form, None)
        joined = joined_token(value or "")
        if joined is not None:  # خير بك also under Kheirbek's key, as the one word it is written as elsewhere
            form = key_token(joined.key)
            keys[form] += 1
            read.setdefault(form, None)
    for form in variants:
        seen.setdefault(form, None)
    for form in read:  # after the words and their variants: not taken for a word of its own
        seen.setdefault(form, None)
    year = date_of_birth.year if date_of_birth is not None else None
    for key_tok, count in keys.items():
        for times in range(2, min(count, REPEAT_MAX) + 1):
            seen.setdefault(repeat_token(key_tok, times), None)
        seen.setdefault(year_key_token(key_tok, year), None)
    if parts is not None:
        present = set(parts)
        for part, marker in MISSING_PART_TOKENS.items():
            if part not in present:
                seen.setdefault(marker, None)
    seen.setdefault(year_token(date_of_birth.year) if date_of_birth is not None else NO_YEAR, None)
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


def word_key(t: Token) -> str:
    """What a word's scores depend on, as one string (text, script, key, Latin reading)."""
    return f"{t.text}\x00{t.script}\x00{t.key}\x00{t.latin}"


@dataclass
class ParsedQuery:
    """A search text split into words that must match (AND of OR-groups)."""

    groups: list[tuple[list[str], list[str]]] = field(default_factory=list)
    """Each group: (exact tokens, prefix tokens); a row matches the group if any matches."""
    tokens: tuple[Token, ...] = ()
    partial: str = ""
    year: int | None = None
    """A year of birth typed with the name (``Мухаммед Хасан 1985``)."""
    partial_key: str = ""
    """Key of the word being typed as a prefix (no end-of-word rules: ``Ima`` is ``aM``, not ``aMa``)."""
    after_article: tuple[str, ...] = ()
    """Prefixes of what follows an article glued onto the word being typed (``khat``, ``qht`` of ``Alkhat``)."""
    scores: dict[tuple[int, str], float] = field(default_factory=dict, repr=False, compare=False)
    """Word scores already computed for this query: (typed word's position, stored word's :func:`word_key`) -> score.
    A search reranks a hundred candidates a tier, most sharing their names (Mohammed, Ali ...)."""

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def complete(self) -> bool:
        """True when every word is complete: none is being typed, or the last already spells a listed name."""
        if not self.partial:
            return True
        return bool(self.tokens) and spells_whole_name(self.tokens[-1])

    @property
    def typed_letters(self) -> int:
        """Letters of the word being typed; 0 when every word is complete."""
        return 0 if self.complete else sum(c.isalpha() for c in self.partial)

    @cached_property
    def word_keys(self) -> tuple[str, ...]:
        """Each typed word's :func:`word_key`."""
        return tuple(word_key(t) for t in self.tokens)

    @cached_property
    def strict_conjunctions(self) -> list[list[Group]]:
        """The strict tier: every word by its key, and a key typed again must be borne again.

        "Omar Omar al-Omar" asks for ``qamr``, then ``3amr`` (borne twice), then
        ``33amr`` (see :func:`repeat_token`). Without it every Omar matches, and
        the few hundred rows read may hold none of those named Omar three times.
        When the word being typed repeats a key, its prefixes (``omar*``) would
        match the first Omar again: they are asked for in a second conjunction,
        read after the first.
        """
        seen: Counter[str] = Counter()
        exact_groups: list[Group] = []
        for exact, prefixes in self.groups:
            key = own_key(exact)  # repeats are counted by what was typed, not by what it reads as
            seen[key] += 1
            exact_groups.append(([repeat_token(k, seen[key]) for k in exact] if seen[key] > 1 else exact, prefixes))
        if exact_groups == self.groups:
            return [self.groups]
        last_exact, last_prefixes = exact_groups[-1]
        if not last_prefixes or last_exact == self.groups[-1][0]:
            return [exact_groups]
        return [[*exact_groups[:-1], (last_exact, [])], [*exact_groups[:-1], ([], last_prefixes)]]

    @property
    def years(self) -> tuple[int, ...]:
        """The years of birth a typed year stands for: itself, give or take one (a common registration error)."""
        return () if self.year is None else tuple(self.year + d for d in (0, -1, 1))


YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
"""A four-digit year of birth typed among the names."""


_HYPHEN_END = re.compile(f"[{re.escape(HYPHENS)}]\\s*$")
"""A word followed by a hyphen is complete (``Аль-``), as one followed by a space."""
_WORDS = re.compile(f"[\\s{re.escape(HYPHENS)}]+")
"""What parts the words typed: the tokenizer's hyphens, so that both count the same words."""


PARTIAL_KEY_MIN = 2
"""A word being typed of three letters or more is looked up by its key prefix from this many key letters on.

``Aleli`` keys to ``a`` (a vowel, then one consonant class the appended
letter merges with): a prefix that every name starting with a vowel shares,
which ranked Abu Younes level with the typed Al-Ali."""
KNOWN_NAME_COMPLETE = 4
"""A word being typed that spells a known name of this many letters or more is searched as complete."""


def spells_whole_name(t: Token) -> bool:
    """Whether a word being typed already spells a listed name long enough to be taken as the whole word.

    Three letters were measured for Arabic script too (حسن is Hasan's five
    letters in three): no target moved on three seeds at a million persons
    (session 13).
    """
    return t.entry is not None and len(t.text) >= KNOWN_NAME_COMPLETE


PARTIAL_MIN_LETTERS = 3
"""After complete words, a word being typed counts from this many letters."""


def _letters_after_article(token: Token) -> int:
    """Letters of a word, less an Arabic article glued on (``الع`` is the article and one letter)."""
    text = token.text
    return len(text) - 2 if token.script == "arabic" and text.startswith("ال") else len(text)


def _after_glued_article(word: str) -> list[str]:
    """Prefixes of what follows an article glued onto a word being typed (``Alkhat``, ``Эльхат``).

    The whole word is recognised as al- and a name only once the name is
    known (``Alkhatib``); until then its prefixes (``alkhat*``) match only
    names stored glued, and the page stays empty while every tier runs.
    The rest's spelling, Latin reading and key prefix are looked up too.
    """
    folded, script = fold_token(word)
    for article in GLUED_ARTICLES.get(script, ()):
        rest = folded[len(article) :]
        if folded.startswith(article) and len(rest) >= PARTIAL_MIN_LETTERS:
            forms = [_clean(rest)]
            forms += [_clean(w) for t in tokenize(rest)[-1:] for w in t.latin.split()[-1:]]
            key = _partial_key(rest)
            if len(key) >= PARTIAL_KEY_MIN:
                forms.append(key_token(key))
            return [f for f in dict.fromkeys(forms) if f]
    return []


INDEXED_READING = 0.3
"""A person's word is indexed under the key of each listed name it reads as with this probability or more.

``Dhair`` (Daher with two letters swapped, key ZYR) reads 0.55 Daher and
0.45 Thair: a search for Daher (DHR) finds it by key, where the one edit
of the loose tiers never reached it under a page of namesakes. A typed
word is looked up only by the name it reads as confidently
(:data:`~haven.matching.core.reading.CONFIDENT`): one more key in every
query would widen every tier."""


def _read_key(t: Token, *, likely: float = CONFIDENT) -> list[str]:
    """The keys of the listed names a word reads as, where not the word's own (``Cgaza``: Shaza's).

    A typo can change a word's key by two letters or more (``Cgaza`` is KGZa,
    Shaza XZa), beyond the loose tiers' one edit; a typed word is then also
    looked for by the key of the name it is confidently read as
    (:mod:`haven.matching.core.reading`), and a person's word is indexed
    under the key of each name it reads as with ``likely`` probability or
    more (:data:`INDEXED_READING`, :func:`index_text`). Words of under four
    letters are read as nothing here: too many names are one letter from them.
    Abu + name is read by the name after the particle (``Абу Муын``: Abu
    Muin, ``ABU_MYN``, where its own key is ``ABU_MN``).
    """
    text, tag = (t.rest, t.key.split("_", 1)[0] + "_") if t.rest else (t.text, "")
    if len(text) < KNOWN_NAME_COMPLETE:
        return []
    out: list[str] = []
    for name, p in read_name(text, t.script):  # most likely first
        if p < likely:
            break
        key = name_key(name)
        if key and tag + key != t.key and (form := key_token(tag + key)) not in out:
            out.append(form)
    return out


def parse_query(text: str) -> ParsedQuery:
    """Turn what the user typed into index-token groups (see the module docstring)."""
    text = (text or "")[:200]
    year = None
    found = YEAR.search(text)
    if found:
        year = int(found.group(1))
        # The rest is the name; words before a year at the end are complete.
        text = text[: found.start()] + " " + text[found.end() :]
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_QUERY_CHARS:
        return ParsedQuery()
    ended_by_hyphen = bool(_HYPHEN_END.search(text))
    typing = not text[-1:].isspace() and not ended_by_hyphen
    tokens = tokenize(text)
    if not tokens:
        return ParsedQuery()
    words = [w for w in _WORDS.split(text.strip()) if w]
    if words and is_article(words[-1], hyphen=ended_by_hyphen):
        # "Randa Yaser El ", "Аль-", "Маха Аль": an article only says that a name follows. As a
        # word of its own it matched Wael (whose key "Al" shares), or as the start of a word
        # nothing at all, and every tier ran for nothing; the words before are searched until
        # the name is typed, and an article alone searches nothing yet.
        if len(tokens) == 1:
            return ParsedQuery()
        tokens, typing = tokens[:-1], False
    elif not typing and len(tokens) > 1 and is_particle(words[-1]):
        # "Хусейн Закария Абу ": the start of a name in Abu (Abu Hassan), looked up as typed.
        typing = True
    if typing and len(tokens) > 1 and _letters_after_article(tokens[-1]) < PARTIAL_MIN_LETTERS:
        if tokens[-1].entry is not None:
            # "ليلى أحمد طه", "Исраа Мухаммед Ид": Arabic writes Taha in two letters, Russian
            # Eid (عيد) and Aya; a listed name is a whole word.
            typing = False
        else:
            # "Надер Хусейн Ал": two letters of a next word narrow nothing yet
            # and cost the most (every name starting so); search the words before.
            tokens, typing = tokens[:-1], False
    groups: list[tuple[list[str], list[str]]] = []
    complete = tokens[:-1] if typing else tokens
    for t in complete:
        groups.append(([*_read_key(t), key_token(t.key)], []))
    partial = pk = ""
    after_article: tuple[str, ...] = ()
    if typing:
        last = tokens[-1]
        partial = words[-1] if words else last.text
        # Once it is four letters long, a word being typed is also looked up by the key of the
        # name it reads as (the last word of a name pasted or typed to its end: ``اللسيد``, Sayed).
        exact = [*_read_key(last), key_token(last.key)]
        spelling = _clean(last.text)
        others = {_clean(w) for w in last.latin.split()[-1:]}
        pk = _partial_key(partial)
        if pk and (len(pk) >= PARTIAL_KEY_MIN or len(spelling) < PARTIAL_MIN_LETTERS):
            others.add(key_token(pk))
        # The spelling as typed comes first (the loose tiers keep only it).
        prefixes = [spelling, *sorted(others - {spelling})]
        if spells_whole_name(last):
            # "Mohammed", "Ахмед": a whole name from the data files. Its key is what to look
            # for; its prefixes add names hardly anyone bears and make the index merge the
            # postings of every Mohammed* (tens of milliseconds at a million persons).
            prefixes = []
        else:  # "Alkhat": al- and the start of Khatib (Elias is a name: no article in it)
            after_article = tuple(f for f in _after_glued_article(partial) if f not in prefixes)
            prefixes += after_article
        groups.append((exact, [p for p in prefixes if len(p) >= MIN_QUERY_CHARS]))
    return ParsedQuery(
        groups=groups, tokens=tokens, partial=partial, year=year, partial_key=pk, after_article=after_article
    )


Group = tuple[list[str], list[str]]


def own_key(exact: Sequence[str]) -> str:
    """A typed word's own key token: the last of its group's exact tokens.

    Before it may come the key of the name the word reads as (:func:`_read_key`).
    """
    return exact[-1]


def typed_group_index(conjunction: Sequence[Group]) -> int:
    """Position of the word being typed (the group with prefixes) in a conjunction, else the last."""
    return next((i for i, (_exact, prefixes) in enumerate(conjunction) if prefixes), len(conjunction) - 1)


def fuzzy_group(group: Group) -> Group:
    """A group widened to keys one edit away (a typo, or a letter heard differently).

    A stored key one letter longer than the typed one carries the typed key
    among its deletions (``0<key>``); one letter shorter is among the typed
    key's deletions (``q<deletion>``); a letter changed or two swapped share
    a deletion (``0<deletion>``).
    """
    exact, prefixes = group
    out = list(exact)
    for tok in exact:
        if not tok.startswith("q") or len(tok) < DELETION_MIN_KEY:
            continue
        body = tok[1:]
        out.append("0" + body)  # a stored key with one letter more (``RN`` typed, ``RNA`` stored)
        for d in deletions(body):
            out.extend(("q" + d, "0" + d))
    return list(dict.fromkeys(out)), prefixes


def or_missing_part(group: Group, part: str | None) -> Group:
    """A word's group, or (when it is typed as ``part``) a person with no such part recorded."""
    exact, prefixes = group
    token = MISSING_PART_TOKENS.get(part or "")
    return (exact + [token] if token else exact), prefixes


RELAXED_PREFIX_MIN = 4
"""Relaxed tiers keep the prefixes of the word being typed from this length on."""


FUZZY_TYPED_MIN = 4
"""A word being typed is looked up within one edit only from this many letters on.

Its key is not yet the word's key (``Ism`` for Ismail, ``Хус`` for Хусейн):
the one-edit variants of a three-letter start match the commonest keys
(``qasm | 0asm | qsm | 0sm | ...``) and were about a fifth of the index time of
the slowest keystrokes at a million persons (session 6). A typo in the
first three letters is still found once the word is longer."""


def relaxed(groups: Sequence[Group], *, typed_letters: int = 0) -> list[list[list[Group]]]:
    """Conjunctions for the tiers after the strict one (each tier: a list of AND-lists).

    Three words or more:

    - tier 1 — every word agrees by key but one, which is within one edit
      or is a part the record lacks (selective: every other key must agree);
    - tier 2 — any one word may be missing from the record or keyed wrongly;
    - tier 3 — with three words, one agrees by key and another within one
      edit (a part missing and a typo, together); with four or more (often
      an article or Abu mistyped into a word of its own), any two agree by
      key. Each conjunction keeps an exact key, so the tier stays selective
      at a million persons.

    Two words: both may be one edit away. One word: within one edit.

    ``typed_letters``: the length of the word being typed (the last group),
    0 when every word is complete; under :data:`FUZZY_TYPED_MIN` letters it
    is never widened to one edit. A conjunction already in an earlier tier
    is not repeated.
    """
    # In a loose tier the word being typed keeps only its spelling's prefix (``Хусе`` -> ``хусе*``) from
    # four letters on: the prefixes of keys and Latin readings (``qhs*``, ``hus*``) match a fifth of any
    # registry, and merging their postings is what a loose tier cannot afford at a million persons.
    groups = [(exact, [p for p in prefixes[:1] if len(p) >= RELAXED_PREFIX_MIN]) for exact, prefixes in groups]
    n = len(groups)
    fuzzy = [fuzzy_group(g) for g in groups]
    short_typed = 0 < typed_letters < FUZZY_TYPED_MIN
    if short_typed:
        fuzzy[-1] = groups[-1]
    if n >= 3:
        names = QUERY_PARTS.get(n, ())
        loose = [or_missing_part(g, names[i] if i < len(names) else None) for i, g in enumerate(fuzzy)]
        tiers = [
            [list(groups[:i]) + [loose[i]] + list(groups[i + 1 :]) for i in range(n)],
            [list(groups[:i]) + list(groups[i + 1 :]) for i in range(n)],
        ]
        # A word being typed under four letters is no anchor: its key is only the start of one.
        anchors = range(n - 1) if short_typed else range(n)
        if n == 3:
            tiers.append([[groups[i], fuzzy[j]] for i in anchors for j in range(n) if i != j])
        else:  # four words or more (often an article or Abu mistyped into a word of its own): any two agree
            tiers.append([[groups[i], groups[j]] for i in range(n) for j in range(i + 1, n)])
    elif n == 2:
        tiers = [[[fuzzy[0], fuzzy[1]]]]
    else:
        tiers = [[[fuzzy[0]]]] if fuzzy[0] != groups[0] else []
    done = {_conjunction_key(list(groups))}
    out = []
    for tier in tiers:
        fresh = []
        for c in tier:
            k = _conjunction_key(c)
            if k not in done:
                done.add(k)
                fresh.append(c)
        if fresh:
            out.append(fresh)
    return out


def _conjunction_key(conjunction: Sequence[Group]) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """A conjunction as a hashable value (the order of its words does not change what it matches)."""
    return tuple(sorted((tuple(exact), tuple(prefixes)) for exact, prefixes in conjunction))


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
        alts = [_fts5_quote(t) for t in exact] + [
            _fts5_quote(edge_token(p)) if prefix_is_edge(p) else _fts5_quote(p) + "*" for p in prefixes
        ]
        parts.append("(" + " OR ".join(alts) + ")")
    if sites:
        parts.append("(" + " OR ".join(_fts5_quote(s) for s in sites) + ")")
    return " AND ".join(parts)


def tsquery_expression(groups: Sequence[tuple[list[str], list[str]]], sites: Sequence[str] = ()) -> str:
    parts = []
    for exact, prefixes in groups:
        alts = [t for t in exact] + [edge_token(p) if prefix_is_edge(p) else p + ":*" for p in prefixes]
        parts.append("(" + " | ".join(alts) + ")")
    if sites:
        parts.append("(" + " | ".join(sites) + ")")
    return " & ".join(parts)


def postgres_method() -> str:
    """``tsvector`` (default, faster in our measurements) or ``trgm`` (HAVEN_SEARCH_PG=trgm)."""
    import os

    return os.environ.get("HAVEN_SEARCH_PG", "tsvector")


def _conjunction_sql(groups: Sequence[Group]) -> tuple[str, list[str]]:
    """pg_trgm: one AND of OR-groups as LIKE clauses over the padded text."""
    clauses, params = [], []
    for exact, prefixes in groups:
        alts = [f"% {t} %" for t in exact] + [f"% {p}%" for p in prefixes]
        clauses.append("(" + " OR ".join(["i.text LIKE %s"] * len(alts)) + ")")
        params.extend(alts)
    return "(" + " AND ".join(clauses) + ")", params


_YEAR_TOKEN = re.compile(r"y\d+")


def split_year(conjunctions: Sequence[Sequence[Group]]) -> tuple[list[list[Group]], str]:
    """PostgreSQL: the year group every conjunction ends with, taken out as a tsquery of its own.

    ``tsv @@ (names) AND tsv @@ (years)`` lets the planner combine two index
    scans; the year OR-group nested in each conjunction's tsquery was a
    quarter to a third slower at a million persons (session 4, all tiers of
    80 names with a year: p95 223 against 301-348 ms summed over conjunctions).
    """
    if any(len(c) < 2 for c in conjunctions):
        return [list(c) for c in conjunctions], ""
    lasts = {tuple(c[-1][0]) for c in conjunctions}
    last = next(iter(lasts)) if len(lasts) == 1 else ()
    if not last or not all(_YEAR_TOKEN.fullmatch(t) for t in last) or any(c[-1][1] for c in conjunctions):
        return [list(c) for c in conjunctions], ""
    return [list(c[:-1]) for c in conjunctions], " | ".join(last)


def _fts5_any(conjunctions: Sequence[Sequence[Group]], sites: Sequence[str]) -> str:
    ors = " OR ".join("(" + fts5_expression(c) + ")" for c in conjunctions if c)
    expr = "(" + ors + ")"
    if sites:
        expr += " AND (" + " OR ".join(_fts5_quote(s) for s in sites) + ")"
    return expr


def _tsquery_any(conjunctions: Sequence[Sequence[Group]], sites: Sequence[str]) -> str:
    ors = " | ".join("(" + tsquery_expression(c) + ")" for c in conjunctions if c)
    expr = "(" + ors + ")"
    if sites:
        expr += " & (" + " | ".join(sites) + ")"
    return expr


def _count_sites() -> int:
    from haven.accounts.models import Site

    return Site.objects.count()


_site_count = Timed(60, _count_sites)
"""Number of sites, kept for a minute: it only decides how sites are filtered, never whether."""


def site_tokens(sites: Sequence[uuid.UUID]) -> list[str]:
    """Site tokens to match inside the full-text index, or none.

    A few sites out of many narrow the index's work; a user who holds most
    sites (a national officer) would make every query merge the postings of
    the whole registry for nothing. Either way the query also filters the
    ``site_id`` column, so this choice never widens what anyone sees.
    """
    if len(sites) > SITE_TOKEN_LIMIT or 2 * len(sites) >= _site_count():
        return []
    return [site_token(s) for s in sites]


def candidates(
    groups_list: Sequence[Sequence[Group]],
    *,
    site_ids: Iterable[uuid.UUID],
    limit: int,
    total_limit: int | None = None,
    ranked: bool = False,
) -> list[uuid.UUID]:
    """Ids of persons whose index text matches any of the group lists, at the given sites.

    Each element of ``groups_list`` is one conjunction (AND of OR-groups);
    the duplicate check passes several (given+family, given+father, ...).
    Unranked, each conjunction brings at most ``limit`` ids in the index's
    order, all together at most ``total_limit``. ``ranked``: one query for
    the OR of all conjunctions, best ``limit`` first by the database's
    relevance (FTS5 ``bm25``, PostgreSQL ``ts_rank``: the more and the rarer
    the tokens a row shares with the query, the higher); pg_trgm cannot
    rank and returns the first ``limit``. Callers rerank either way.
    """
    sites = sorted(site_ids, key=str)
    groups_list = [g for g in groups_list if g]
    if not sites or not groups_list:
        return []
    in_fts = site_tokens(sites)
    site_params = [db_uuid(s) for s in sites]
    placeholders = ",".join(["%s"] * len(sites))
    if ranked:
        return [pid for pid, _text in _ranked(groups_list, in_fts, site_params, placeholders, limit)]
    total = total_limit or limit * max(1, len(groups_list))
    found: dict[uuid.UUID, None] = {}
    with connection.cursor() as cursor:
        for groups in groups_list:
            if connection.vendor == "sqlite":
                sql = (
                    "SELECT i.person_id FROM matching_person_fts f "  # noqa: S608 - only placeholders are interpolated
                    "JOIN matching_personsearchindex i ON i.id = f.rowid "
                    f"WHERE matching_person_fts MATCH %s AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(sql, [fts5_expression(groups, in_fts), *site_params, limit])
            elif postgres_method() == "trgm":
                where, params = _conjunction_sql(groups)
                sql = (
                    "SELECT i.person_id FROM matching_personsearchindex i WHERE "  # noqa: S608 - only placeholders are interpolated
                    + where
                    + f" AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(sql, [*params, *site_params, limit])
            else:
                (names,), years = split_year([groups])
                sql = (
                    "SELECT i.person_id FROM matching_personsearchindex i "  # noqa: S608 - only placeholders are interpolated
                    "WHERE i.tsv @@ to_tsquery('simple', %s) "
                    + ("AND i.tsv @@ to_tsquery('simple', %s) " if years else "")
                    + f"AND i.site_id IN ({placeholders}) LIMIT %s"
                )
                cursor.execute(
                    sql, [tsquery_expression(names, in_fts), *([years] if years else []), *site_params, limit]
                )
            for (pid,) in cursor.fetchall():
                found.setdefault(_uuid(pid), None)
            if len(found) >= total:
                break
    return list(found)[:total]


def db_uuid(value: uuid.UUID) -> uuid.UUID | str:
    """A UUID as a query parameter in raw SQL: Django keeps it as its 32 hex digits on SQLite."""
    return value.hex if connection.vendor == "sqlite" else value


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else _uuid_of(str(value))


@lru_cache(maxsize=65536)
def _uuid_of(text: str) -> uuid.UUID:
    """SQLite returns ids as hex text: the same persons come back keystroke after keystroke."""
    return uuid.UUID(text)


RECENT_SECONDS = 15.0
"""How long a search query's rows are kept for the next keystrokes (per process)."""
RECENT_ENTRIES = 256
"""At most this many queries' rows are kept (each at most a few hundred rows of index text)."""

Rows = list[tuple[uuid.UUID, str]]


class RecentRows:
    """The rows of recent search queries, kept a few seconds for the keystrokes that follow.

    While a name is typed, the words already complete make the same index
    queries keystroke after keystroke (``Ali Hassan`` and ``Ali`` with
    ``Hassan`` one edit away, while ``Mahm…`` grows): the slowest queries of
    the typo-tolerant tiers at a million persons, 45-90 ms each on
    PostgreSQL (session 5). They are answered from here instead.

    Only candidates are kept, never what anyone may see: the caller reads
    every person's site, status and names again (:func:`~haven.matching.
    selectors._search_hits`), so a stale row can neither show a person
    outside the user's sites nor a merged or renamed one as it was. What
    staleness can do is miss a person indexed in another process during
    the last :data:`RECENT_SECONDS`; this process forgets everything as soon
    as its own services change the index (:func:`forget_recent_rows`). The
    duplicate check at registration never reads from here.
    """

    def __init__(self, seconds: float = RECENT_SECONDS, entries: int = RECENT_ENTRIES) -> None:
        self.seconds, self.entries = seconds, entries
        self._rows: OrderedDict[tuple[object, ...], tuple[float, Rows]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Rows | None:
        with self._lock:
            found = self._rows.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self.seconds:
                del self._rows[key]
                return None
            self._rows.move_to_end(key)
            return found[1]

    def put(self, key: tuple[object, ...], rows: Rows) -> None:
        with self._lock:
            self._rows[key] = (time.monotonic(), rows)
            self._rows.move_to_end(key)
            while len(self._rows) > self.entries:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


recent_rows = RecentRows()


def forget_recent_rows() -> None:
    """Forget the rows of recent searches: call on every change to the index, and again when it commits."""
    recent_rows.clear()
    transaction.on_commit(recent_rows.clear)


def candidate_texts(
    conjunctions: Sequence[Sequence[Group]], *, site_ids: Iterable[uuid.UUID], limit: int, ranked: bool
) -> Rows:
    """(person id, index text) for the OR of ``conjunctions``, at most ``limit``, best first when ``ranked``.

    The text lets the caller prefilter cheaply (:class:`QuickScorer`) before
    reading names. Unranked, rows come in the index's order. The same query
    within a few seconds is answered from :data:`recent_rows`.
    """
    sites = sorted(site_ids, key=str)
    conjunctions = [c for c in conjunctions if c]
    if not sites or not conjunctions:
        return []
    key = (
        connection.alias,
        connection.settings_dict["NAME"],
        connection.vendor == "postgresql" and postgres_method(),
        tuple(sites),
        tuple(_conjunction_key(c) for c in conjunctions),
        limit,
        ranked,
    )
    rows = recent_rows.get(key)
    if rows is None:
        in_fts = site_tokens(sites)
        site_params = [db_uuid(s) for s in sites]
        placeholders = ",".join(["%s"] * len(sites))
        rows = _ranked(conjunctions, in_fts, site_params, placeholders, limit, order=ranked)
        recent_rows.put(key, rows)
    return list(rows)  # the kept list stays as the index gave it, whatever the caller does with its copy


def candidate_texts_each(
    conjunctions: Sequence[Sequence[Group]], *, site_ids: Iterable[uuid.UUID], limit: int
) -> list[Rows]:
    """Each conjunction's rows as :func:`candidate_texts` gives them unranked, its queries read side by side.

    A loose tier asks the index three to six questions at once (one word
    relaxed in turn). On PostgreSQL each is a GIN scan of 5-60 ms at a
    million persons that keeps one server process busy while Python waits:
    the ones not kept from the keystrokes before are shared between the
    request's connection and :data:`readers` (another core's worth of the
    server). Inside a transaction (a test, or a caller that has written and
    not committed) another connection would not see what this one sees, so
    the queries run here, one after another, as they do on SQLite.
    """
    sites = sorted(site_ids, key=str)
    # Queries kept from the keystrokes before are answered at once, on whichever thread takes them.
    jobs = [partial(candidate_texts, [c], site_ids=sites, limit=limit, ranked=False) for c in conjunctions]
    return readers.read_all(jobs)


class Readers:
    """Threads with their own PostgreSQL connections, reading search queries beside a request's.

    :meth:`read_all` runs a list of read-only queries: the calling thread and
    each reader take the next one not yet started until none is left, so a
    slow query does not hold back the rest. A reader that fails (its
    connection lost) closes its connection, and the calling thread runs
    what it left. The readers only ever fetch candidate rows; the caller
    reads each person's site, status and names again on its own connection
    before anyone sees a result.
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._size = 0
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor | None:
        size = int(getattr(settings, "HAVEN_SEARCH_READERS", 0))
        if size <= 0 or connection.vendor != "postgresql" or connection.in_atomic_block:
            return None
        with self._lock:
            if self._pool is None or self._size != size:
                if self._pool is not None:
                    self._close_pool(self._pool, self._size)
                self._pool, self._size = ThreadPoolExecutor(size, thread_name_prefix="haven-search"), size
            return self._pool

    def read_all(self, jobs: Sequence[Callable[[], Rows]]) -> list[Rows]:
        """Each job's rows, in order; the jobs run side by side where :meth:`_executor` allows."""
        pool = self._executor() if len(jobs) > 1 else None
        if pool is None:
            return [job() for job in jobs]
        results: list[Rows | None] = [None] * len(jobs)
        pending = iter(range(len(jobs)))
        take = threading.Lock()

        def work() -> None:
            while True:
                with take:
                    i = next(pending, None)
                if i is None:
                    return
                results[i] = jobs[i]()

        helpers = [pool.submit(self._in_reader, work) for _ in range(min(self._size, len(jobs) - 1))]
        try:
            work()
        finally:
            for helper in helpers:
                # A reader still busy with another request's search has not started on this one:
                # this thread has done its work already, so it does not wait for it.
                if not helper.cancel():
                    self._wait(helper)
        return [rows if rows is not None else jobs[i]() for i, rows in enumerate(results)]

    @staticmethod
    def _in_reader(work: Callable[[], None]) -> None:
        try:
            work()
        except DatabaseError:
            connection.close()  # reconnect next time; the caller runs what is left
            raise

    @staticmethod
    def _wait(helper: Future[None]) -> None:
        try:
            helper.result()
        except DatabaseError as exc:
            failed = type(exc).__name__
            logger.warning("a search reader failed (%s); its queries ran on the request's connection", failed)

    def close(self) -> None:
        """Close the readers' connections and stop their threads (a test database is about to be dropped)."""
        with self._lock:
            if self._pool is not None:
                self._close_pool(self._pool, self._size)
            self._pool, self._size = None, 0

    @staticmethod
    def _close_pool(pool: ThreadPoolExecutor, size: int) -> None:
        barrier = threading.Barrier(size)

        def close_mine() -> None:
            barrier.wait(timeout=10)  # one task per thread: every reader closes its own connection
            connection.close()

        for future in [pool.submit(close_mine) for _ in range(size)]:
            future.result()
        pool.shutdown(wait=True)


readers = Readers()
"""The search readers of this process (:data:`settings.HAVEN_SEARCH_READERS` threads, PostgreSQL only)."""


@dataclass
class QuickScorer:
    """A cheap pre-ranking from the index text alone: how many typed words it holds, and how closely.

    Per word: 1 for its key (or a prefix of the word being typed), else
    (``fuzzy``) for a stored word one key edit away 1 when it reads as the
    typed name, 0.5 when it reads as another listed name, else up to 0.85 as
    its spelling is close (:func:`_near_credit`); 0.6 for a part the record
    lacks; otherwise 1 for a stored word that reads as the typed name, or the
    best rapidfuzz ratio of its Latin reading against the stored spellings;
    plus 0.1 when the same spelling is stored, which orders namesakes; minus
    0.1 for each stored key no typed word holds (Mohammad Hasan before
    Mohammad Ali Hasan Khalil when "Mohammad Hasan" is typed), as the
    reranker's coverage does.
    """

    parsed: ParsedQuery
    fuzzy: bool = True

    def __post_init__(self) -> None:
        parts = QUERY_PARTS.get(len(self.parsed.groups), ())
        self.words = [
            (
                set(exact),
                tuple(prefixes),
                word.latin,
                set(token_forms(word)[1:]),
                MISSING_PART_TOKENS.get(parts[i] if i < len(parts) else "", ""),
                set(fuzzy_group((exact, []))[0]) - set(exact),
            )
            for i, ((exact, prefixes), word) in enumerate(zip(self.parsed.groups, self.parsed.tokens, strict=False))
        ]
        # The listed name each typed word is read as (the word being typed only once it spells one).
        last = len(self.parsed.tokens) - 1
        self.names = [
            confident_name(word.text, word.script) if i < last or self.parsed.complete else None
            for i, word in enumerate(self.parsed.tokens[: len(self.parsed.groups)])
        ]
        # Distinct typed keys, by the key each word reads as. Counting each word's own key, as
        # the penalty below counts the record's, was measured (session 14) and lost a target.
        self.typed = len({g[0][0] for g in self.parsed.groups if g[0]})
        self.year = year_token(self.parsed.year) if self.parsed.year else ""
        # The typed words' own keys, each once, in the order typed: " <key> " as index texts hold them.
        self.order = [f" {k} " for k in dict.fromkeys(own_key(g[0]) for g in self.parsed.groups if g[0])]
        # Index texts are padded with spaces: " <prefix>" finds a token starting so (in C, not a loop).
        self.starts = [
            re.compile(" (?:" + "|".join(re.escape(p) for p in prefixes) + ")") if prefixes else None
            for _exact, prefixes, *_rest in self.words
        ]

    def __call__(self, text: str) -> float:
        """The quick score of one index text (as :func:`index_text` writes it: space-separated, padded)."""
        if text[:1] != " ":
            text = " " + text
        tokens = text.split()
        tokset = set(tokens)
        spellings: list[str] | None = None
        # A Latin spelling that starts with q (Qasem) is counted as a key here too; counting the
        # keys alone (_is_key) was measured and lost a target on two seeds of three (session 12).
        # Only the words' own keys count: the keys of the names mistyped words read as come after
        # the words and their variants (edge tokens, ``2...``), and are no part the query lacks.
        words_end = text.find(" 2")
        total = -0.1 * max(0, text.count(" q", 0, words_end if words_end > 0 else len(text)) - self.typed)
        if self.year and self.year in tokset:
            total += 0.05
        if len(self.order) > 1 and _in_typed_order([text.find(k) for k in self.order]):
            total += ORDER_CREDIT
        words: list[tuple[str, list[str]]] | None = None
        for (exact, _prefixes, latin, forms, missing, near), starts, name in zip(
            self.words, self.starts, self.names, strict=True
        ):
            if not forms.isdisjoint(tokset):
                total += 0.1
            if not self.fuzzy or not exact.isdisjoint(tokset):
                total += 1.0
            elif starts is not None and starts.search(text):
                total += 0.9
            elif not near.isdisjoint(tokset):
                if words is None:
                    words = _stored_words(tokens, tokset)
                total += _near_credit(
                    [fs for key, fs in words if _near_key(key, near)], near, latin, name, missing in tokset
                )
            elif missing and missing in tokset:
                total += MISSING_CREDIT  # a part never recorded is no contradiction
            else:
                if words is None:
                    words = _stored_words(tokens, tokset)
                if name is not None and any(_reads_as(fs, name) for _key, fs in words):
                    total += 1.0  # a word two letters or more from the typed one, read as the same name
                    continue
                if spellings is None:
                    spellings = [t for t in tokset if t[0].isalpha() and not t.startswith(("q", "zz"))]
                best = process.extractOne(latin, spellings, scorer=fuzz.ratio) if spellings else None
                total += 0.9 * (best[1] if best else 0.0) / 100
        return total


ORDER_CREDIT = 0.25
"""Quick-score credit for a text whose words hold the typed keys in the order typed (or the family name first).

The strict tier's rows all hold every typed key; at a million persons a
common name's rows tie, and only the first 40 are reranked: Suleiman
Mohammed Ibrahim and Ibrahim Mohammed Suleiman took the places of the
Mohammed Suleiman Ibrahim typed (session 16). The reranker credits the
order with 0.08 of a three-word score, a quarter of one word's: so here,
above the 0.1 of a spelling as typed. 0.15 gave the same recall on four
seeds at a million persons; 0.05, below a spelling, one target fewer."""


def _in_typed_order(positions: list[int]) -> bool:
    """Whether the typed keys' first places in an index text rise as typed, or do once the first typed goes last.

    :func:`index_text` writes a person's words in the order of the parts (given, father's,
    family) before anything else, so the place of a word's key is the place of its part.
    A key the text lacks (``-1``) is left out. Russian forms write the family name first.
    """
    found = [p for p in positions if p >= 0]
    if len(found) < 2:
        return False
    if all(a < b for a, b in zip(found, found[1:], strict=False)):
        return True
    if positions[0] < 0:
        return False
    rotated = [p for p in positions[1:] if p >= 0] + [positions[0]]
    return all(a < b for a, b in zip(rotated, rotated[1:], strict=False))


NEAR_CREDIT = 0.85
"""Most a stored word one key edit from a typed one earns in the quick score (as much as its spelling is close)."""
READ_OTHER_CREDIT = 0.5
"""Quick-score credit for a stored word one key edit from a typed one that reads as another listed name."""


def _near_credit(near_words: list[list[str]], near: set[str], latin: str, name: str | None, missing: bool) -> float:
    """Quick-score credit of the stored words one key edit from a typed word, as the reranker would see them.

    Read as the typed name: 1; as another listed name: :data:`READ_OTHER_CREDIT`; else by how
    close their spellings are, up to :data:`NEAR_CREDIT`. A flat 0.85 let any name one key
    edit away (Hiba *Nahhas* for the Hiba Anas typed) crowd out a record lacking the part.
    """
    floor = MISSING_CREDIT if missing else 0.0
    if name is not None:
        near_words = [[f for f in fs if _near_key(_spelling_key(f), near)] for fs in near_words]
        if any(_reads_as(fs, name) for fs in near_words):
            return 1.0
        if any(fs and reads_as_other(fs[0], script_of(fs[0]), name) for fs in near_words):
            return max(READ_OTHER_CREDIT, floor)
    best = max((fuzz.ratio(latin, f) for fs in near_words for f in fs), default=100.0)
    return max(min(NEAR_CREDIT, 0.9 * best / 100), floor)


def _reads_as(spellings: list[str], name: str) -> bool:
    return any(_spelling_name(f) == name for f in spellings)


@lru_cache(maxsize=100_000)
def _spelling_name(spelling: str) -> str | None:
    """The listed name one stored spelling is confidently read as (in its own script)."""
    return confident_name(spelling, script_of(spelling))


@lru_cache(maxsize=65536)
def _deletion_set(key_tok: str) -> frozenset[str]:
    return frozenset(deletion_tokens(key_tok))


def _near_key(key_tok: str, near: set[str]) -> bool:
    """True when a stored key token is one of a typed word's one-edit neighbours (itself or by a deletion)."""
    return key_tok in near or not _deletion_set(key_tok).isdisjoint(near)


_KEY_LETTERS = frozenset("abdfghjklmnrstwxyzq")
"""The letters of a key token's body (a key's sound classes, lower-cased; ``q`` for the ``_`` of compounds)."""


def _is_key(tok: str, tokset: set[str]) -> bool:
    """Whether an index token is a key (``qksm``) and not a Latin spelling that starts with q (``qasem``).

    A key has only key letters, and from three on its deletion tokens are indexed with it.
    """
    body = tok[1:]
    if tok[:1] != "q" or not body or not _KEY_LETTERS.issuperset(body):
        return False
    return len(body) < DELETION_MIN_KEY or _deletion_set(tok) <= tokset


def _stored_words(tokens: list[str], tokset: set[str]) -> list[tuple[str, list[str]]]:
    """The words of an index text, each its key token and spellings, as :func:`index_text` writes them first.

    ``tokens``: the text split at spaces. A key two words share is written once (Mohammed and
    Mahmoud are both ``qmhmd``), so the second word's spellings follow the word before;
    :func:`_near_credit` checks each spelling's own key before it reads it.
    """
    words: list[tuple[str, list[str]]] = []
    for tok in tokens:
        if not tok.isalpha() or tok.startswith("zz"):
            break
        if _is_key(tok, tokset):
            words.append((tok, []))
        elif words:
            words[-1][1].append(tok)
    return words


@lru_cache(maxsize=100_000)
def _spelling_key(spelling: str) -> str:
    """The key token of one stored spelling (``mahmoud`` -> ``qmhmd``), "" when it is not one word."""
    tokens = tokenize(spelling)
    return key_token(tokens[0].key) if len(tokens) == 1 and tokens[0].key else ""


def _ranked(
    conjunctions: Sequence[Sequence[Group]],
    in_fts: Sequence[str],
    site_params: Sequence[object],
    placeholders: str,
    limit: int,
    *,
    order: bool = True,
) -> list[tuple[uuid.UUID, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = (
                "SELECT i.person_id, i.text FROM matching_person_fts f "  # noqa: S608 - only placeholders are interpolated
                "JOIN matching_personsearchindex i ON i.id = f.rowid "
                f"WHERE matching_person_fts MATCH %s AND i.site_id IN ({placeholders}) "
                + ("ORDER BY f.rank " if order else "")
                + "LIMIT %s"
            )
            cursor.execute(sql, [_fts5_any(conjunctions, in_fts), *site_params, limit])  # type: ignore[list-item]
        elif postgres_method() == "trgm":
            parts = [_conjunction_sql(c) for c in conjunctions]
            where = " OR ".join(p[0] for p in parts)
            sql = (
                "SELECT i.person_id, i.text FROM matching_personsearchindex i WHERE ("  # noqa: S608 - only placeholders are interpolated
                + where
                + f") AND i.site_id IN ({placeholders}) LIMIT %s"
            )
            cursor.execute(sql, [*(x for p in parts for x in p[1]), *site_params, limit])  # type: ignore[list-item]
        else:
            # ts_rank against the whole nested query costs ~10 µs a row; against
            # the flat OR of each word's own key it is cheap and orders the same
            # way where it matters (more of the typed words' keys first).
            names, years = split_year(conjunctions)
            rank_q = " | ".join(dict.fromkeys(g[0][0] for c in names for g in c if g[0]))
            sql = (
                "SELECT i.person_id, i.text FROM matching_personsearchindex i "  # noqa: S608 - only placeholders are interpolated
                "WHERE i.tsv @@ to_tsquery('simple', %s) "
                + ("AND i.tsv @@ to_tsquery('simple', %s) " if years else "")
                + f"AND i.site_id IN ({placeholders}) "
                + ("ORDER BY ts_rank(i.tsv, to_tsquery('simple', %s)) DESC " if order else "")
                + "LIMIT %s"
            )
            params = (
                [_tsquery_any(names, in_fts), *([years] if years else []), *site_params]
                + ([rank_q] if order else [])
                + [limit]
            )
            cursor.execute(sql, params)  # type: ignore[arg-type]
        return [(_uuid(pid), text) for pid, text in cursor.fetchall()]
