from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from haven.api.services import token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hvn_…``"""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_authenticate(raw=token)
        if user is not None:
            request.user = user
            # The token exactly as authenticated, for /auth/revoke (the scheme's case varies).
            request.api_token_raw = token  # type: ignore[attr-defined]
        return user
