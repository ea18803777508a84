"""Cross-script normalisation of personal names.

Pipeline for one name field (e.g. a family name written "Al-Hassan",
"الحسن" or "Аль-Хасан"):

1. split into words on spaces, hyphens and punctuation; fold each word in its
   own script (``scripts.py``);
2. drop articles: separate (Al Hassan), hyphenated (ash-Shami, Аль-Хасан),
   glued in Arabic (الحسن) and glued in Latin/Cyrillic when the rest is a known
   name (Alhassan);
3. join compounds into one token: Abd + name (Abdul Rahman, Abd al-Rahman,
   Abderrahmane, Абдуррахман, عبد الرحمن), Abu + name, name + al-Din
   (Nour al-Din, Noureddine);
4. give every token a phonetic key: the key of the canonical spelling when the
   token is a known variant in the data files, else the rule key
   (``keys.py``), else the canonical key whose variants share that rule key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .data import NameEntry, load_articles, load_names
from .keys import raw_key
from .scripts import Script, detect_script, fold_arabic, fold_token
from .translit_rules import to_latin

__all__ = ["NormalizedName", "Token", "name_tokens", "normalize_name", "phonetic_key", "tokenize"]


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised name token.  ``latin`` is a lowercase Latin reading."""

    text: str
    script: str
    key: str
    latin: str
    entry: NameEntry | None = None
    article: bool = False  # written with an article (al-, ال, аль-) that was removed
    # Of Abu + name: the name after the particle, folded (Abu Muin: муин), read as names are. Not of
    # Abd + name: what follows Abd is one of God's names (Rahman, Karim), read as the listed compound.
    rest: str = ""


@dataclass(frozen=True, slots=True)
class NormalizedName:
    """A name field reduced to what identity matching compares.

    ``keys`` collide across scripts and spellings; ``latin`` is for fuzzy
    comparison (rapidfuzz) when keys differ by a typo.
    """

    original: str
    script: Script
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    latin: str

    @property
    def key(self) -> str:
        """All keys joined: equal for two spellings of the same full name."""
        return " ".join(self.keys)

    def __bool__(self) -> bool:
        return bool(self.tokens)


_WORD_SPLIT = re.compile(r"[\s,;:/\\.()\[\]{}\"«»|+*&0-9]+")
HYPHENS = "-‐‑‒–—_"
"""What joins the parts of a name (Al-Hasan, Аль–Хасан): a hyphen, its Unicode variants, dashes, an underscore."""
_HYPHENS = re.compile(f"[{re.escape(HYPHENS)}]")
_ARTICLE_APOSTROPHE = re.compile(r"^((?:a|e)?l)['’`ʼ](.+)$", re.IGNORECASE)

# Cyrillic writes each vowel of the Latin forms, with or without the soft sign (Абдел, Абдэль,
# Абдоль); it writes the u of Abdul and Abu as ю where the name came through Turkish (Abdülhamid
# is Абдюльхамид) and in hands that hear it so: Абдюль, Абдюрахман and Абю are the same particles.
# Turkish writes Abu as Ebu (Ebu Bekir; Russian Эбу), as papers issued in Turkey may.
_ABD = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdil", "абд", "абдул", "абдуль",
                  "абдюль", "абдюл", "абдель", "абдел", "абдэль", "абдэл", "абдаль", "абдал", "абдол",
                  "абдоль", "абдиль", "абдил", "عبد"})  # fmt: skip
_ABD_WITH_ARTICLE = frozenset({"abdu", "abdo", "abdou", "абду", "абдю", "абдо"})
_ABU = frozenset({"abu", "abou", "abo", "ebu", "абу", "абю", "эбу", "ابو"})
_PARTICLES = _ABD | _ABD_WITH_ARTICLE | _ABU
_DOUBLED = re.compile(r"(.)\1+")
_DIN = frozenset({"din", "dine", "deen", "ddin", "ddine", "eddin", "eddine", "uddin", "addin",
                  "дин", "аддин", "эддин", "еддин", "уддин", "دين"})  # fmt: skip
_DIN_GLUED = {
    "latin": re.compile(r"^(.{2,}?)(?:[aeiou][ld]?d|[ld]d)(?:i|ee|y)ne?$"),
    "cyrillic": re.compile(r"^(.{2,}?)(?:[аеэуо][дл]?д|[дл]д)ин$"),
}
_ABD_GLUED = {
    "latin": re.compile(r"^abd([aeiou]?)(l?)(.{2,})$"),
    "cyrillic": re.compile(r"^абд([аеиоуэю]?)(ль|л?)(.{2,})$"),
}


@dataclass(slots=True)
class _Part:
    text: str
    script: str
    after_article: bool = False


def _split_parts(text: str, standalone: frozenset[str], prefix: frozenset[str]) -> list[_Part]:
    """Words folded per script, with articles removed and remembered."""
    parts: list[_Part] = []
    pending_article = False
    words = [w for w in _WORD_SPLIT.split(text) if w]
    for wi, word in enumerate(words):
        pieces: list[str] = []
        for piece in _HYPHENS.split(word):
            m = _ARTICLE_APOSTROPHE.match(piece)
            pieces.extend([m.group(1), m.group(2)] if m else [piece])
        pieces = [p for p in pieces if p]
        for pi, piece in enumerate(pieces):
            folded, script = fold_token(piece)
            if not folded:
                continue
            last_piece = pi == len(pieces) - 1
            more_words = wi < len(words) - 1
            if (folded in prefix and not last_piece) or (
                folded in standalone and last_piece and more_words and len(pieces) == 1
            ):
                pending_article = True
                continue
            parts.append(_Part(folded, script, pending_article))
            pending_article = False
    return parts


class _Dictionary:
    """Indexes over the data files: surface form → entry, rule key → keys."""

    def __init__(self) -> None:
        self.surface: dict[str, tuple[str, str, NameEntry]] = {}
        self.ambiguous: set[str] = set()  # spellings of two different names
        self.loose: dict[str, set[str]] = {}
        self.canonical: set[str] = set()
        self.abd_rests: set[str] = set()
        self.by_key: dict[str, list[NameEntry]] = {}
        self.given_weight: dict[str, int] = {}
        self.family_weight: dict[str, int] = {}
        self.place_weight: dict[str, int] = {}
        entries = load_names()
        # Pass 1: what follows Abd in Arabic (unambiguous: عبد + name).
        for e in entries:
            for ar in e.arabic:
                toks = _tokenize_raw(ar, self)
                if toks and toks[0].key.startswith("ABD_"):
                    self.abd_rests.add(toks[0].key[4:])
        # Pass 2: canonical keys and variant surfaces, highest weight first.
        for e in sorted(entries, key=lambda e: -e.weight):
            canon = _tokenize_raw(e.latin[0], self)
            if not canon:
                continue
            ckey = "".join(t.key for t in canon)
            clatin = "".join(t.latin for t in canon)
            self.canonical.add(ckey)
            self.by_key.setdefault(ckey, []).append(e)
            weights = {"family": self.family_weight, "place": self.place_weight}.get(e.kind, self.given_weight)
            weights[ckey] = weights.get(ckey, 0) + e.weight
            for variant in (*e.arabic, *e.latin, *e.cyrillic):
                toks = _tokenize_raw(variant, self)
                if not toks:
                    continue
                surface = "".join(t.text for t in toks)
                prev = self.surface.setdefault(surface, (ckey, clatin, e))
                if entry_identity(prev[2]) != entry_identity(e):
                    self.ambiguous.add(surface)
                self.loose.setdefault("".join(t.key for t in toks), set()).add(ckey)

    def resolve(self, folded: str, script: str) -> Token:
        hit = self.surface.get(folded)
        if hit:
            # An ambiguous spelling (علا is Ola, and علاء without its hamza)
            # keeps the heavier name's key but claims no entry.
            entry = None if folded in self.ambiguous else hit[2]
            return Token(folded, script, hit[0], hit[1], entry)
        key = raw_key(folded, script)
        if key not in self.canonical:
            cands = self.loose.get(key)
            if cands is None and script == "cyrillic" and "G" in key:
                # Russian tradition writes г for ه/ح (Ибрагим): try it as h.
                alt = key.replace("G", "H")
                cands = {alt} if alt in self.canonical else self.loose.get(alt)
            if cands and len(cands) == 1:
                key = next(iter(cands))
        return Token(folded, script, key, to_latin(folded, script))


@lru_cache(maxsize=4096)
def entry_identity(entry: NameEntry) -> str:
    """Which name an entry is: its Arabic spelling without article, folded.

    The given name حسن and the family name الحسن are the same name.
    """
    ar = fold_arabic(entry.arabic[0]).replace(" ", "") if entry.arabic else entry.latin[0].lower()
    return ar[2:] if ar.startswith("ال") and len(ar) > 3 else ar


@lru_cache(maxsize=1)
def _dictionary() -> _Dictionary:
    return _Dictionary()


def entries_with_key(key: str) -> list[NameEntry]:
    """The data files' names whose canonical key is ``key`` (MHMD: Mohammed, Mahmoud ...), heaviest first."""
    return _dictionary().by_key.get(key, [])


def _plain(part: _Part, d: _Dictionary | None) -> Token:
    if d is not None:
        return d.resolve(part.text, part.script)
    return Token(part.text, part.script, raw_key(part.text, part.script), to_latin(part.text, part.script))


GLUED_ARTICLES = {"latin": ("al", "el"), "cyrillic": ("аль", "эль", "ал", "эл")}
"""Articles written glued onto a Latin or Cyrillic name (``Alhassan``, ``Эльхатиб``)."""


def _strip_glued_article(part: _Part, d: _Dictionary | None) -> _Part:
    t, s = part.text, part.script
    if s == "arabic" and t.startswith("ال") and len(t) > 3:
        if d is None or t not in d.surface:
            return _Part(t[2:], s, True)
    elif d is not None and t not in d.surface:
        for art in GLUED_ARTICLES["latin" if s == "latin" else "cyrillic"]:
            rest = t[len(art) :]
            if t.startswith(art) and len(rest) >= 3 and (rest in d.surface or _loosely_known(rest, s, d)):
                return _Part(rest, s, True)
    return part


def _loosely_known(folded: str, script: str, d: _Dictionary) -> bool:
    """Does the rule key of this spelling belong to a name in the data files?"""
    key = raw_key(folded, script)
    return len(key) >= 3 and (key in d.canonical or key in d.loose)


def _abd_token(prefix: str, rest: _Part, d: _Dictionary | None, tag: str = "ABD") -> Token:
    text = prefix + rest.text
    if d is not None and text in d.surface:
        return d.resolve(text, rest.script)
    key = raw_key(rest.text, rest.script)
    if d is not None and key not in d.abd_rests:
        # Only a name that is known to follow Abd may be mapped loosely:
        # otherwise عبد الله would borrow the key of Layla.
        key = d.resolve(rest.text, rest.script).key
    latin = to_latin(rest.text, rest.script)
    return Token(text, rest.script, f"{tag}_{key}", f"{tag.lower()}{latin}", rest=rest.text if tag == "ABU" else "")


def _glued_abd(part: _Part, d: _Dictionary | None) -> Token | None:
    t, s = part.text, part.script
    if s == "arabic":
        if t.startswith("عبد") and len(t) >= 5:
            rest = t[3:]
            if rest.startswith("ال") and len(rest) > 3:
                rest = rest[2:]
            return _abd_token("عبد", _Part(rest, s), d)
        return None
    rx = _ABD_GLUED.get(s)
    m = rx.match(t) if rx else None
    if not m:
        return None
    rests = [m.group(3)] + ([m.group(2)[0] + m.group(3)] if m.group(2) else [])
    best = None
    for r in rests:
        tok = _abd_token(t[: len(t) - len(r)], _Part(r, s), d)
        if best is None:
            best = tok
        if d is not None and tok.key[4:] in d.abd_rests:
            return tok
    return best


def _glued_din(part: _Part, d: _Dictionary | None) -> Token | None:
    t, s = part.text, part.script
    if s == "arabic":
        if t.endswith("الدين") and len(t) > 6:
            head = _plain(_Part(t[:-5], s), d)
            return Token(t, s, head.key + "_DN", head.latin + "eddin")
        return None
    rx = _DIN_GLUED.get(s)
    m = rx.match(t) if rx else None
    if not m:
        return None
    head = _plain(_Part(m.group(1), s), d)
    return Token(t, s, head.key + "_DN", head.latin + "eddin")


def _particle(text: str) -> str:
    """Abd or Abu typed with a letter twice (``عببد``, ``Abbu``, ``Абдд``) reads as the particle.

    No particle has a letter twice in a row, so nothing else is taken for one
    (``Abbas`` is ``abas``, not a particle). A name is never undoubled: only
    the particle, so that ``عببد الغني`` joins into Abd al-Ghani as
    ``عبد الغني`` does.
    """
    if text in _PARTICLES:
        return text
    single = _DOUBLED.sub(r"\1", text)
    return single if single in _PARTICLES else text


def is_article(word: str, *, hyphen: bool = False) -> bool:
    """Is ``word`` an article (``Al``, ``El``, ``Аль``, ``ال``)? ``hyphen``: written before one (``ash-``)."""
    folded, _script = fold_token(word)
    standalone, prefix = load_articles()
    return folded in (prefix if hyphen else standalone)


def is_particle(word: str) -> bool:
    """Is ``word`` Abd or Abu (``Abdul``, ``Абу``, ``أبو``), the start of a compound name?"""
    folded, _script = fold_token(word)
    return _particle(folded) in _PARTICLES


def has_doubled_particle(text: str) -> bool:
    """Does ``text`` hold Abd or Abu typed with a letter twice (whose tokens changed in migration 0010)?"""
    standalone, prefix = load_articles()
    return any(_particle(p.text) != p.text for p in _split_parts(text, standalone, prefix))


def has_respelled_particle(text: str) -> bool:
    """Does ``text`` hold a word starting as a Cyrillic Abd or Abu added in 0014, or as Turkish writes Abu?

    ``Абдел``, ``Абдэль``, ``Абдоль``, ``Абдюль``, ``Абдюрахман``, ``Абю``, ``Ebu``, ``Эбу``: their
    tokens changed in migration 0014, which re-writes the index entries of the persons whose names
    hold one (a word merely starting so, ``Абюзайд``, is re-written unchanged).
    """
    standalone, prefix = load_articles()
    starts = ("абдю", "абдел", "абдэл", "абдал", "абдол", "абдил", "абю", "ebu", "эбу")
    return any(p.text.startswith(starts) for p in _split_parts(text, standalone, prefix))


_APART = re.compile(rf"[\s{re.escape(HYPHENS)}]+")


def joined_token(text: str) -> Token | None:
    """The words of one name part as the one listed name they write (``خير بك``: Kheirbek), else None.

    A name the data files list as one word is written apart in some papers
    (Kheir Bek, Хайр Бек, خير بك) and together in others (Kheirbek): the
    words are also one word to compare.
    """
    tokens = tokenize(text)
    if len(tokens) < 2:
        return None
    glued = tokenize(_APART.sub("", text))
    if len(glued) != 1 or glued[0].entry is None or any(t.key == glued[0].key for t in tokens):
        return None
    return glued[0]


def has_abu_compound(text: str) -> bool:
    """Does ``text`` hold Abu + name (``Абу Муын``), indexed since migration 0014 under the key its name reads as?"""
    return any(t.rest for t in tokenize(text))


def _tokenize_raw(text: str, d: _Dictionary | None) -> list[Token]:
    standalone, prefix = load_articles()
    parts = [_strip_glued_article(p, d) for p in _split_parts(text, standalone, prefix)]
    parts = [replace(p, text=_particle(p.text)) for p in parts]
    out: list[Token] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and (p.text in _ABD or (p.text in _ABD_WITH_ARTICLE and nxt.after_article)):
            out.append(_abd_token(p.text, nxt, d))
            i += 2
            continue
        if nxt is not None and p.text in _ABU:
            out.append(_abd_token(p.text, nxt, d, tag="ABU"))
            i += 2
            continue
        if out and p.text in _DIN and (p.after_article or len(p.text) > 4):
            head = out.pop()
            text = head.text + p.text
            if d is not None and text in d.surface:
                out.append(d.resolve(text, p.script))
            else:
                out.append(Token(text, head.script, head.key + "_DN", head.latin + "eddin"))
            i += 1
            continue
        if d is not None and p.text in d.surface:
            tok = d.resolve(p.text, p.script)
        else:
            tok = _glued_abd(p, d) or _glued_din(p, d) or _plain(p, d)
        out.append(replace(tok, article=True) if p.after_article else tok)
        i += 1
    return [t for t in out if t.key]


@lru_cache(maxsize=200_000)
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    return tuple(_tokenize_raw(text, _dictionary()))


def tokenize(text: str) -> tuple[Token, ...]:
    """Full token objects (text, script, key, latin reading, data-file entry)."""
    if not text or not text.strip():
        return ()
    return _tokenize_cached(text.strip())


def name_tokens(text: str) -> list[str]:
    """Cleaned tokens: folded, articles removed, Abd/Abu/al-Din compounds joined."""
    return [t.text for t in tokenize(text)]


def phonetic_key(token: str) -> str:
    """Cross-script key of one name (several words are joined with spaces)."""
    return " ".join(t.key for t in tokenize(token))


@lru_cache(maxsize=200_000)
def normalize_name(text: str) -> NormalizedName:
    """Normalise one name field in any script; cached because names repeat."""
    toks = tokenize(text)
    return NormalizedName(
        original=text,
        script=detect_script(text),
        tokens=tuple(t.text for t in toks),
        keys=tuple(t.key for t in toks),
        latin=" ".join(t.latin for t in toks),
    )


def name_weight(key: str, *, family: bool = False) -> int | None:
    """Frequency weight of a key from the data files (None when unknown).

    Family names that are not listed as family names fall back to the given
    name weight: Hasan, Ibrahim, Ali are frequent in both roles.
    """
    d = _dictionary()
    if family:
        w = d.family_weight.get(key)
        if w is not None:
            return w
    return d.given_weight.get(key) if not family else d.given_weight.get(key)


def place_weight(key: str) -> int | None:
    """Weight of a place of birth from places.tsv (None when unknown)."""
    return _dictionary().place_weight.get(key)


def entries_for_key(key: str) -> list[NameEntry]:
    """Data-file entries whose canonical key is ``key``, heaviest first."""
    return _dictionary().by_key.get(key, [])
