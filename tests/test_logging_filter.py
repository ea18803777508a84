"""The logging filter keeps personal data out of log files."""

from __future__ import annotations

import logging

import pytest

from haven.lib.logging import PersonalDataFilter, RequestIdFilter, redact
from haven.lib.request_context import reset_request_id, set_request_id


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Person أحمد محمد العلي registered", "أحمد"),
        ("Person Ахмед Аль-Али registered", "Ахмед"),
        ("mail from fatima.k@example.org bounced", "fatima.k@example.org"),
        ("call +7 912 345-67-89 now", "345-67-89"),
        ("call 8 (912) 345-67-89 now", "345-67-89"),
        ("passport N12345678 seen", "N12345678"),
        ("passport 4509 123456 seen", "123456"),
        ("call 0933 123 456 now", "123 456"),
        ("national id 1234567 seen", "1234567"),
        ('"GET /registry/search?q=Ahmad&dob=1990 HTTP/1.1" 200 512', "Ahmad"),
        ("Authorization: Bearer hvn_AbC-dEf_123456", "AbC-dEf_123456"),
    ],
)
def test_redact_removes_personal_data(text, secret):
    assert secret not in redact(text)


def test_redact_keeps_what_helps_debugging():
    line = '"GET /registry/persons/0b6f3f0e-3c1b-4b7a-9a38-6b1f0b1d2e3f/ HTTP/1.1" 200 5120'
    assert redact(line) == line
    all_digits = '"GET /registry/persons/12345678-1234-4234-9234-123456789012/ HTTP/1.1" 200 5120'
    assert redact(all_digits) == all_digits  # a UUID's groups are no document number


def _record(msg: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("haven.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_redacts_the_formatted_message_and_its_arguments():
    record = _record("Could not match %s (%s)", "Мария Иванова", "maria@example.org")
    assert PersonalDataFilter().filter(record) is True
    message = record.getMessage()
    assert "Мария" not in message and "maria@" not in message
    assert message.startswith("Could not match")


def test_filter_redacts_exception_text():
    try:
        raise ValueError("duplicate name محمد")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    PersonalDataFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "محمد" not in text
    assert "ValueError" in text


def test_filter_survives_a_broken_format_string():
    record = _record("%d people", "many")
    assert PersonalDataFilter().filter(record) is True
    assert "people" in record.getMessage()


def test_request_id_is_added_to_each_record():
    token = set_request_id("abc12345")
    try:
        record = _record("x")
        RequestIdFilter().filter(record)
        assert record.request_id == "abc12345"
    finally:
        reset_request_id(token)
    record = _record("x")
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_configured_logging_applies_the_filter(caplog, capsys):
    """The console handler of settings.LOGGING carries the filter."""
    from django.conf import settings

    assert "personal_data" in settings.LOGGING["handlers"]["console"]["filters"]


def test_django_request_log_lines_carry_the_request_id_and_no_query(client, db):
    """A 404 or 500 is logged by Django after the middleware returns: it must still be traceable, and clean."""
    import io

    from haven.lib.request_context import current_request_id

    handler = next(h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.get("/no-such-page/?q=Ahmad+Khalil&phone=%2B79123456789")
    finally:
        handler.setStream(previous)
    assert response.status_code == 404
    line = next(line for line in stream.getvalue().splitlines() if "Not Found" in line)
    assert f"[{response['X-Request-ID']}]" in line
    assert "Ahmad" not in stream.getvalue() and "79123456789" not in stream.getvalue()
    # Nothing is left over for log lines written outside a request.
    assert current_request_id() is None
