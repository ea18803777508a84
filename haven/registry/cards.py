"""The registration card as a PDF: Arabic and Russian, with a QR code.

The QR code holds only the opaque signed token of the card (card id and
version, signed with the secret key); no personal data. Fonts come from
PyPI packages (``fontpkg-noto-sans``, ``fontpkg-noto-sans-arabic``) so the
card looks the same on every machine; Arabic is shaped by HarfBuzz
(``uharfbuzz``) through fpdf2's text shaping.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

import segno
from django.utils import translation
from fpdf import FPDF

from haven.registry.models import Person, RegistrationCard
from haven.registry.selectors import card_token, display_name

logging.getLogger("fontTools").setLevel(logging.WARNING)  # subsetting chatter
CARD_SIZE_MM = (85.6, 54.0)  # ID-1, the size of a bank card


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    """(Latin+Cyrillic font, Arabic font) shipped by PyPI packages."""
    import fontpkg_noto_sans
    import fontpkg_noto_sans_arabic

    latin = next(Path(fontpkg_noto_sans.ROOT, "files").glob("NotoSans[[]*.ttf"))
    arabic = next(Path(fontpkg_noto_sans_arabic.ROOT, "files").glob("NotoSansArabic*.ttf"))
    return latin, arabic


def _qr_png(token: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="png", scale=4, border=1)
    buffer.seek(0)
    return buffer


def card_pdf(*, person: Person, card: RegistrationCard, verify_url: str = "") -> bytes:
    """Render the card. ``verify_url`` (ending in the token) goes in the QR code if given."""
    latin_font, arabic_font = font_files()
    token = card_token(card)
    # fpdf2 takes ``format`` as (width, height) and swaps the two for
    # "landscape": give the card's own size with "portrait" so it stays 85.6 mm wide.
    pdf = FPDF(orientation="portrait", unit="mm", format=CARD_SIZE_MM)
    pdf.set_auto_page_break(False)
    pdf.set_margins(3, 3, 3)
    pdf.set_title("Haven registration card")
    pdf.set_creator("Haven")
    pdf.add_font("NotoSans", fname=str(latin_font))
    pdf.add_font("NotoArabic", fname=str(arabic_font))
    pdf.set_text_shaping(True)
    pdf.set_fallback_fonts(["NotoArabic"])
    pdf.add_page()
    width, height = CARD_SIZE_MM

    # Header: the two languages of the card.
    pdf.set_fill_color(230, 238, 246)
    pdf.rect(0, 0, width, 9, style="F")
    pdf.set_xy(3, 1.5)
    pdf.set_font("NotoSans", size=6.5)
    with translation.override("ru"):
        pdf.cell(w=40, h=6, text="Регистрационная карточка")
    pdf.set_font("NotoArabic", size=7.5)
    pdf.set_xy(width - 43, 1.5)
    pdf.cell(w=40, h=6, text="بطاقة تسجيل", align="R")

    # Photo placeholder.
    pdf.set_draw_color(150, 150, 150)
    pdf.rect(3, 12, 20, 25)
    pdf.set_font("NotoSans", size=5)
    pdf.set_xy(3, 22)
    pdf.cell(w=20, h=4, text="Фото / صورة", align="C")

    # Names and registration number.
    name_ar = display_name(person, "ar")
    name_cy = display_name(person, "cy") or display_name(person, "la")
    pdf.set_xy(25, 11)
    pdf.set_font("NotoSans", size=8)
    pdf.multi_cell(w=32, h=3.8, text=name_cy or "—")
    pdf.set_xy(25, 23)
    pdf.set_font("NotoArabic", size=9)
    pdf.multi_cell(w=32, h=4.5, text=name_ar or "—", align="R")
    pdf.set_xy(3, 40)
    pdf.set_font("NotoSans", size=9)
    pdf.cell(w=55, h=5, text=person.registration_number)
    born = person.date_of_birth.isoformat() if person.date_of_birth else "—"
    pdf.set_xy(3, 45)
    pdf.set_font("NotoSans", size=5.5)
    pdf.cell(w=40, h=3, text=f"Дата рождения: {born}")
    # The Arabic label on its own cell, right-aligned, so the date is not reordered by the bidi algorithm.
    pdf.set_font("NotoArabic", size=6)
    label_w = pdf.get_string_width("تاريخ الميلاد:") + 0.5
    pdf.set_xy(width - 3 - label_w, 44.8)
    pdf.cell(w=label_w, h=3.4, text="تاريخ الميلاد:", align="R")
    pdf.set_font("NotoSans", size=5.5)
    pdf.set_xy(width - 3 - label_w - 21, 45)
    pdf.cell(w=20.5, h=3, text=born, align="R")
    pdf.set_xy(3, 48.5)
    pdf.set_font("NotoSans", size=4.5)
    pdf.cell(w=55, h=3, text=f"v{card.version}   ·   {card.issued_at.date().isoformat()}")

    # QR code with the token only.
    pdf.image(_qr_png(verify_url or token), x=width - 27, y=12, w=24, h=24)
    pdf.set_xy(width - 28, 37)
    pdf.set_font("NotoSans", size=4.5)
    pdf.cell(w=26, h=3, text="Проверка / تحقق", align="C")
    return bytes(pdf.output())
