"""The scorer calls cross-script duplicates the same person, and family
members who share most of a name different people."""

from __future__ import annotations

from datetime import date

from haven.matching.core import POSSIBLE, SAME, PersonRecord, band, score_pair


def rec(rid: str, given: str, father: str, family: str, dob: date | None, sex: str = "M", **kw) -> PersonRecord:
    return PersonRecord(rid, given_name=given, father_name=father, family_name=family, date_of_birth=dob, sex=sex, **kw)


ARABIC = rec("a", "محمد", "علي", "الحسن", date(1984, 5, 3), place_of_birth="اللاذقية")
LATIN = rec("b", "Mohammad", "Ali", "Al-Hasan", date(1984, 5, 3), place_of_birth="Latakia")
CYRILLIC = rec("c", "Мухаммед", "Али", "Аль-Хасан", date(1984, 5, 3), place_of_birth="Латакия")


def test_same_person_in_three_scripts_is_same() -> None:
    for x, y in [(ARABIC, LATIN), (ARABIC, CYRILLIC), (LATIN, CYRILLIC)]:
        result = score_pair(x, y)
        assert result.band == "same", result
        assert result.score >= SAME


def test_common_date_errors_still_match() -> None:
    swapped = rec("d", "Mohammed", "Ali", "Hassan", date(1984, 3, 5))
    year_off = rec("e", "Мохаммад", "Али", "Хасан", date(1985, 5, 3))
    assert score_pair(ARABIC, swapped).band == "same"
    assert score_pair(ARABIC, year_off).band == "same"
    year_only_a = rec("f", "Ибрагим", "Юсеф", "Аль-Хатиб", date(1970, 1, 1), dob_precision="year")
    year_only_b = rec("g", "إبراهيم", "يوسف", "الخطيب", date(1970, 1, 1))
    assert score_pair(year_only_a, year_only_b).band == "same"


def test_siblings_are_not_duplicates() -> None:
    brother = rec("s", "أحمد", "علي", "الحسن", date(1986, 9, 12))
    assert score_pair(ARABIC, brother).band == "different"


def test_twins_are_not_duplicates() -> None:
    twin = rec("t", "Ahmad", "Ali", "Al-Hasan", date(1984, 5, 3))
    result = score_pair(LATIN, twin)
    assert result.band == "different"
    assert any("siblings or twins" in str(r) for r in result.reasons)


def test_twins_whose_names_share_a_key_are_not_duplicates() -> None:
    omar = rec("o", "Omar", "Ali", "Al-Hasan", date(2001, 2, 2))
    amer = rec("p", "Amer", "Ali", "Al-Hasan", date(2001, 2, 2))
    assert score_pair(omar, amer).band == "different"


def test_father_and_son_of_the_same_name_are_not_duplicates() -> None:
    father = rec("f", "Mohammed", "Hussein", "Al-Hasan", date(1958, 4, 1))
    son = rec("s", "محمد", "محمد", "الحسن", date(1984, 5, 3))
    assert score_pair(father, son).band == "different"
    son_no_dob = rec("t", "محمد", "محمد", "الحسن", None)
    assert score_pair(father, son_no_dob).band == "different"


def test_sex_mismatch_is_strongly_negative() -> None:
    other_sex = rec("x", "Mohammad", "Ali", "Al-Hasan", date(1984, 5, 3), sex="F")
    assert score_pair(ARABIC, other_sex).score < POSSIBLE


def test_common_names_count_for_less_than_rare_ones() -> None:
    common_a = rec("1", "Mohammed", "Ahmad", "Al-Hasan", None)
    common_b = rec("2", "محمد", "أحمد", "الحسن", None)
    rare_a = rec("3", "Kinan", "Safwan", "Tarabishi", None)
    rare_b = rec("4", "كنان", "صفوان", "طرابيشي", None)
    assert score_pair(rare_a, rare_b).score > score_pair(common_a, common_b).score
    assert score_pair(rare_a, rare_b).band == "same"
    assert score_pair(common_a, common_b).band != "same"


def test_explanation_names_the_evidence() -> None:
    result = score_pair(ARABIC, LATIN)
    text = "\n".join(map(str, result.reasons))
    assert "given name" in text and "date of birth: same date" in text


def test_band_thresholds() -> None:
    assert band(SAME) == "same"
    assert band(POSSIBLE) == "possible"
    assert band(POSSIBLE - 0.01) == "different"
    assert 0 < POSSIBLE < SAME < 1
