"""Suggestions the registration form offers while an Arabic name is typed."""

from __future__ import annotations

import pytest

from haven.matching.core import suggest


@pytest.mark.parametrize(
    ("arabic", "cyrillic", "latin"),
    [
        ("محمد", {"Мухаммед"}, {"Mohammed"}),
        ("حسن", {"Хасан"}, {"Hassan"}),
        ("عبد الرحمن", {"Абдуррахман"}, {"Abdulrahman"}),
        ("إبراهيم", {"Ибрагим"}, {"Ibrahim"}),
        ("يوسف", {"Юсеф", "Юсуф"}, {"Youssef"}),
        ("علي", {"Али"}, {"Ali"}),
    ],
)
def test_known_names_follow_russian_and_english_practice(arabic: str, cyrillic: set[str], latin: set[str]) -> None:
    assert suggest(arabic, target="cyrillic") in cyrillic
    assert suggest(arabic, target="latin") in latin


def test_family_names_with_the_article() -> None:
    assert suggest("الحسن", target="cyrillic") == "Аль-Хасан"
    assert suggest("الحسن", target="latin") == "Al-Hassan"
    assert suggest("الشامي", target="cyrillic") == "Аш-Шами"  # sun letter assimilates
    assert suggest("محمد الحسن", target="cyrillic") == "Мухаммед Аль-Хасан"


def test_unknown_names_fall_back_to_rules() -> None:
    assert suggest("زمرد", target="latin") == "Zamarad"  # vowels guessed
    assert suggest("زمرد", target="cyrillic") == "Замарад"
    assert suggest("عبد الكبير", target="latin") == "Abdulkabir"


def test_latin_and_cyrillic_input_use_the_dictionary_backwards() -> None:
    assert suggest("Mohammad Al-Hasan", target="cyrillic") == "Мухаммед Аль-Хасан"
    assert suggest("Mohammad Al-Hasan", target="arabic") == "محمد الحسن"
    assert suggest("Ибрагим", target="latin") == "Ibrahim"
    assert suggest("Ibrahim", target="arabic") == "إبراهيم"


def test_empty_and_same_script() -> None:
    assert suggest("", target="latin") == ""
    assert suggest("Hassan", target="latin") == "Hassan"
