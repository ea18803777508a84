"""Health, the OpenAPI document, the interactive docs and error bodies."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from haven.api.errors import ServiceError, error_body


def test_health_answers_200_without_a_token(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"sqlite", "postgresql"}


def test_health_reports_a_broken_database(client, db, monkeypatch):
    from haven.api import api as api_module

    class Broken:
        vendor = "sqlite"

        def cursor(self):
            raise RuntimeError("database is gone")

    monkeypatch.setattr(api_module, "connection", Broken())
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "error"}


def test_openapi_document_is_valid(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    try:
        from openapi_spec_validator import validate
    except ImportError:  # the dev extra pins it; without it, check the structure
        validate = _check_structure
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/token" in spec["paths"]
    assert "/api/v1/health" in spec["paths"]
    assert spec["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/health"]["get"].get("security") in (None, [], [{}])


def _check_structure(spec: dict) -> None:
    assert {"openapi", "info", "paths"} <= set(spec)
    assert spec["info"]["title"] and spec["info"]["version"]
    operation_ids = []
    for path, item in spec["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in item.items():
            assert method in {"get", "post", "put", "patch", "delete", "head", "options", "trace", "parameters"}
            assert operation["responses"], f"{method} {path} has no responses"
            operation_ids.append(operation["operationId"])
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_interactive_docs_render_under_the_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/ninja/") for src in sources)
    # No executable inline script: the only inline <script> is JSON data.
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs
    assert "cdn" not in html.lower()
    styles = re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert all(href.startswith("/static/") for href in styles)


@pytest.mark.parametrize(
    "exc, status, code",
    [
        (PermissionDenied("x"), 403, "forbidden"),
        (Http404("x"), 404, "not_found"),
        (ValidationError({"name": ["Enter a name."]}), 400, "invalid"),
        (ServiceError("bed_taken", "That bed is taken.", status=409), 409, "bed_taken"),
    ],
)
def test_errors_are_json_with_code_and_message(rf, exc, status, code):
    """What an endpoint raises becomes {"error": {"code", "message"}}."""
    from haven.api.api import api

    response = api.on_exception(rf.get("/api/v1/anything"), exc)
    assert response.status_code == status
    body = json.loads(response.content)
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_error_body_shape():
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y"}}
    assert error_body("x", "y", {"a": 1}) == {"error": {"code": "x", "message": "y", "details": {"a": 1}}}


def test_unknown_api_path_is_404(client, db):
    assert Client().get("/api/v1/no-such-thing").status_code == 404


def test_openapi_structure_holds_without_the_validator(client, db):
    _check_structure(client.get("/api/v1/openapi.json").json())
