"""Gives every request an id that ties its log lines and audit rows together.

An incoming ``X-Request-ID`` is kept only when ``HAVEN_TRUST_REQUEST_ID`` is
on (a reverse proxy that sets the header on every request, overwriting the
client's) and only in the forms proxies write: 32 hex digits (nginx's
``$request_id``) or a UUID. Otherwise a client could choose the id that its
requests leave in the audit log, to pass them off as another request's, or
put a phone or document number into every log line.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from haven.lib.request_context import reset_request_id, set_request_id

_VALID = re.compile(
    r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "") if settings.HAVEN_TRUST_REQUEST_ID else ""
        request_id = incoming if _VALID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        except BaseException:
            reset_request_id(token)
            raise
        # Django logs a 4xx or 5xx response ("Not Found: /…") after the middleware
        # has returned: the id stays until the response is closed, so that line
        # carries it too (see _forget_request_id).
        response["X-Request-ID"] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    """Sent when the server closes the response: later log lines belong to no request."""
    set_request_id(None)


request_finished.connect(_forget_request_id, dispatch_uid="haven_forget_request_id")
