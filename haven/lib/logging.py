"""Logging filters that keep personal data out of log files.

Haven never logs a person's data on purpose; this filter is the safety net
for what slips through (a query string in a request line, a name in an
exception message). It redacts query strings, e-mail addresses, phone and
document numbers, and any word written in Arabic or Cyrillic script, which
in this system is almost always a name.
"""

from __future__ import annotations

import logging
import re

from haven.lib.request_context import current_request_id

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\?[^\s\"']*"), "?[redacted]"),
    (re.compile(r"hvn_[A-Za-z0-9_-]+"), "hvn_[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    # Phone numbers with a country code, Russian mobiles written 8 9xx ...,
    # and long digit runs (document numbers). Short numbers such as an HTTP
    # status and response size stay readable.
    (re.compile(r"\+\d[\d\s()-]{6,}\d"), "[number]"),
    (re.compile(r"\b8[\s(-]*9\d\d[\s)-]*\d{3}[\s-]*\d\d[\s-]*\d\d\b"), "[number]"),
    # Syrian mobiles written locally (0933 123 456) and Russian passports (4509 123456).
    (re.compile(r"\b09\d\d[\s-]?\d{3}[\s-]?\d{3}\b"), "[number]"),
    (re.compile(r"\b\d\d\s?\d\d\s\d{6}\b"), "[number]"),
    # Seven digits or more (a Syrian national id has seven), but not a group of a UUID.
    (re.compile(r"(?<![\w-])\d{7,}(?![\w-])"), "[number]"),
    (re.compile(r"\b[A-Z]{1,2}\d{6,}\b"), "[number]"),
    (re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+"), "[ar]"),
    (re.compile(r"[\u0400-\u04FF]+"), "[cyr]"),
]


def redact(text: str) -> str:
    """Return ``text`` with anything that may identify a person replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not kill logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # A traceback quotes exception messages (and source lines) that
            # may hold a name: format it here, redacted, and let the
            # formatter reuse the cached text.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
