"""Identity matching core: plain Python, no Django.

Cross-script name normalisation (Arabic, Latin, Cyrillic), transliteration
suggestions, pairwise scoring and batch deduplication.  The Django layer
(models, services, search) builds on this; see docs/matching.md.
"""

from __future__ import annotations

from .dedupe import (
    CSV_HEADER,
    DedupeInputError,
    DedupeReport,
    dedupe_csv,
    dedupe_prepared,
    dedupe_records,
    prepare_all,
    read_csv,
)
from .normalize import NormalizedName, Token, name_tokens, normalize_name, phonetic_key, tokenize
from .score import (
    POSSIBLE,
    SAME,
    MatchResult,
    NameFrequencies,
    PersonRecord,
    PreparedRecord,
    Reason,
    band,
    prepare,
    score_pair,
    score_prepared,
)
from .scripts import Script, detect_script
from .transliterate import suggest

__all__ = [
    "CSV_HEADER",
    "POSSIBLE",
    "SAME",
    "DedupeInputError",
    "DedupeReport",
    "MatchResult",
    "NameFrequencies",
    "NormalizedName",
    "PersonRecord",
    "PreparedRecord",
    "Reason",
    "Script",
    "Token",
    "band",
    "dedupe_csv",
    "dedupe_prepared",
    "dedupe_records",
    "detect_script",
    "name_tokens",
    "normalize_name",
    "phonetic_key",
    "prepare",
    "prepare_all",
    "read_csv",
    "score_pair",
    "score_prepared",
    "suggest",
    "tokenize",
]
