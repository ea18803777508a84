"""Three languages: complete catalogs, the switcher, right-to-left Arabic."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.test import override_settings

from haven.lib import translations


def test_every_message_has_a_russian_and_arabic_translation():
    """Fails on any message in code or templates (any app) without ru and ar."""
    problems = translations.missing()
    listing = "\n".join(f"{p.catalog}: {p.message!r}" for p in problems[:50])
    assert not problems, (
        f"{len(problems)} messages lack a translation; run `manage.py translations update --app <app>`, "
        f"fill the msgstr lines, then `manage.py translations compile`:\n{listing}"
    )


@pytest.mark.parametrize("app", ["haven", "accounts", "audit", "api", "core"])
def test_foundation_catalogs_are_complete(app):
    """The foundation's own catalogs, reported apart from the other apps'."""
    problems = [
        p
        for p in translations.missing()
        if p.catalog.startswith("haven/locale/" if app == "haven" else f"haven/{app}/locale/")
    ]
    assert problems == []


def test_extraction_finds_template_and_python_messages():
    domain = next(d for d in translations.domains() if d.root.name == "accounts")
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in translations.extract(domain)}
    assert "Log in to Haven" in ids  # template
    assert "Registration officer" in ids  # roles.py
    assert "This account is locked after %(limit)s failed attempt." in ids  # blocktranslate count


def test_arabic_page_is_right_to_left_with_the_rtl_stylesheet(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap/css/bootstrap.rtl.min.css" in html
    assert "bootstrap/css/bootstrap.min.css" not in html
    assert "تسجيل الدخول إلى Haven" in html


def test_russian_page(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru" dir="ltr">' in html
    assert "bootstrap/css/bootstrap.min.css" in html
    assert "Вход в Haven" in html


def test_english_is_the_default(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Log in to Haven" in html


def test_language_switcher_sets_the_language(personas):
    client = personas.client("caseworker")
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    for code in ("en", "ru", "ar"):
        assert f'value="{code}" lang="{code}"' in page
        assert LANG_INFO[code]["name_local"] in page  # each language named in itself
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "مرحبًا، caseworker" in html
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Здравствуйте, caseworker" in client.get("/").content.decode()


def test_role_names_are_translated_on_the_home_page(personas):
    client = personas.client("registrar")
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Специалист по регистрации" in client.get("/").content.decode()


@override_settings(HAVEN_REQUIRE_2FA=False)
def test_django_admin_strings_come_from_djangos_catalogs(personas):
    admin = personas.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = personas.client("admin")
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Администрирование сайта" in html  # "Site administration", from Django's own ru catalog
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "إدارة الموقع" in html


@pytest.mark.parametrize("language", ["ru", "ar"])
def test_same_message_has_one_translation_per_language(language):
    """Django merges every app's catalog into one, so a message translated two ways shows either.

    Give a word with two meanings a context (pgettext / {% translate ... context "..." %}); see
    docs/glossary.md for the chosen terms.
    """
    root = Path(settings.BASE_DIR) / "haven"
    seen: dict[object, dict[object, list[str]]] = defaultdict(lambda: defaultdict(list))
    catalogs = sorted(root.glob(f"**/locale/{language}/LC_MESSAGES/django.po"))
    assert len(catalogs) > 5
    for path in catalogs:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        for message in catalog:
            if not message.id or message.context:
                continue
            string = message.string if isinstance(message.string, str) else tuple(message.string)
            if not any(string if isinstance(string, tuple) else [string]):
                continue
            seen[message.id if isinstance(message.id, str) else tuple(message.id)][string].append(
                str(path.relative_to(root.parent))
            )
    conflicts = {msgid: dict(strings) for msgid, strings in seen.items() if len(strings) > 1}
    listing = "\n".join(
        f"{msgid!r}: " + "; ".join(f"{s!r} in {', '.join(paths)}" for s, paths in strings.items())
        for msgid, strings in conflicts.items()
    )
    assert not conflicts, f"{len(conflicts)} messages translated differently in two catalogs:\n{listing}"


def test_every_test_starts_in_english(request):
    """The shared autouse fixture is in force (a star import once skipped it: Arabic leaked between tests)."""
    from django.utils import translation

    assert "_english_by_default" in request.fixturenames
    assert translation.get_language() == "en"
