"""Reading a written word as the listed name it stands for (``haven.matching.core.reading``)."""

from __future__ import annotations

import pytest

from haven.matching.core.normalize import tokenize
from haven.matching.core.reading import Agreement, read_name, same_name, shared_reading


def word(text: str) -> tuple[str, str]:
    (token,) = tokenize(text)
    return token.text, token.script


def best(text: str) -> tuple[str, float]:
    return read_name(*word(text))[0]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("صاحل", "صالح"),  # two letters swapped
        ("مصطقى", "مصطفى"),  # ق for ف, its neighbour on the Arabic keyboard
        ("Mugammed", "محمد"),  # g for h
        ("Chehadde", "شحادة"),  # French spelling, a letter doubled
        ("Рюба", "ربى"),  # ю for у
    ],
)
def test_a_typo_of_one_listed_name_reads_as_that_name(written, meant):
    name, p = best(written)
    assert name == word(meant)[0] or name == word(meant)[0].replace("ه", "ة")
    assert p > 0.9


def test_a_listed_spelling_reads_mostly_as_its_own_name_and_a_little_as_the_near_one():
    reading = dict(read_name(*word("Dieb")))  # listed for ديب (Deeb), one letter from Diab
    assert max(reading, key=reading.get) == "ديب"
    assert 0 < reading["دياب"] < 0.1


def test_a_word_far_from_every_listed_name_is_not_read():
    assert read_name(*word("Zxqwvb")) == ()


def test_a_word_near_two_names_is_read_as_both():
    reading = dict(read_name(*word("Hela")))  # Hala or Hiba?
    assert len(reading) >= 2 and max(reading.values()) < 0.8


def test_two_words_agree_across_scripts_whatever_their_typos():
    assert same_name(word("Мухаммед"), word("Mugammed")) is Agreement.SAME
    assert same_name(word("Салех"), word("صاحل")) is Agreement.SAME


def test_two_confidently_different_names_disagree_and_a_doubtful_one_is_unknown():
    assert same_name(word("Анас"), word("عباس")) is Agreement.DIFFERENT  # Anas, Abbas
    assert same_name(word("Хусейн"), word("Hassan")) is Agreement.DIFFERENT
    assert same_name(word("Хала"), word("Hela")) is Agreement.UNKNOWN
    assert same_name(word("Хала"), word("Zxqwvb")) is Agreement.UNKNOWN


def test_a_listed_name_has_the_key_of_its_first_latin_spelling():
    from haven.matching.core.reading import confident_name, name_key

    assert name_key(confident_name(*word("Cgaza"))) == "XZa"  # Shaza, whatever was typed
    assert name_key(confident_name(*word("محمد"))) == "MHMD"
    assert name_key("no such name") == ""


def test_an_arabic_spelling_of_a_less_common_name_reads_surely_as_it():
    # Arabic script writes a name one way: عامر is Amer, not Omar (one letter more) mistyped.
    name, p = best("عامر")
    assert name == "عامر" and p > 0.9
    assert same_name(word("Омар"), word("عامر")) is Agreement.DIFFERENT
    assert same_name(word("Мохаммед"), word("حامد")) is Agreement.DIFFERENT  # Hamid, not Ahmad either


def test_an_arabic_typo_still_reads_as_the_name_it_spoils():
    assert best("احكد") == ("احمد", pytest.approx(1.0, abs=0.01))  # ك for م, its keyboard neighbour
    assert best("حيجر")[0] == "حيدر"


def test_two_words_share_as_much_of_their_readings_as_they_both_give_one_name() -> None:
    geith = dict(read_name(*word("Geith")))
    assert set(geith) == {"غيث", "ليث"}  # Ghaith or Laith
    assert shared_reading(word("Geith"), word("Гас")) == pytest.approx(geith["غيث"], abs=0.01)
    assert shared_reading(word("Geith"), word("Лейс")) == pytest.approx(geith["ليث"], abs=0.01)
    assert shared_reading(word("Мухаммед"), word("Mugammed")) > 0.95
    assert shared_reading(word("Geith"), word("Zxqwvb")) == 0.0  # read as nothing
    assert shared_reading(word("Zxqwvb"), word("Geith")) == 0.0
