"""REST endpoints of the credentials app, mounted under /api/v1/ by haven.api."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["credentials"])
