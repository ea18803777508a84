"""Words read as a name only in part (session 14), and Arabic words being typed read from three letters.

A typed word that may be one of two names (Geith: Ghaith or Laith) was held
to its spelling alone against a record that reads surely as one of them, and
a record with that word ranked below records lacking the part altogether.
An Arabic word being typed was read only from four letters, as Latin is,
though Arabic writes no short vowels: ``ممد`` is Mohammed less a letter.
Each test below failed before its change; ``shared_reading`` itself is
tested in test_core_reading.py.
"""

from __future__ import annotations

import pytest

from haven.matching.search import forget_recent_rows
from haven.matching.selectors import person_search
from haven.matching.tests.helpers import make_person


@pytest.mark.django_db
def test_a_record_read_as_one_of_the_names_a_typed_word_may_be_ranks_above_records_lacking_it(personas) -> None:
    # "Geith" is Ghaith or Laith; Гас reads as Ghaith. Ten Selma Saleh, registered without a
    # father's name (0.888), ranked above Salma Гас al-Saleh (0.826), held to Geith's letters.
    forget_recent_rows()
    for _ in range(10):
        make_person(site=personas.site_a, names={("given", "la"): "Selma", ("family", "la"): "Saleh"})
    salma = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Салма", ("father", "cy"): "Гас", ("family", "cy"): "Аль-Салех"},
    )
    hits = person_search(user=personas.registrar, query="Selma Geith al-Saleh")
    assert hits[0].person_id == salma.pk


@pytest.mark.django_db
def test_an_arabic_word_being_typed_is_read_from_three_letters(personas) -> None:
    # ممد, Mohammed less its ح, typed last: ten Rana Omar registered without a family name
    # (0.888) ranked above Rana Omar Mukhamed (0.869), whose family name it reads as.
    forget_recent_rows()
    for _ in range(10):
        make_person(site=personas.site_a, names={("given", "ar"): "رنا", ("father", "ar"): "عمر"})
    rana = make_person(
        site=personas.site_a,
        names={("given", "cy"): "Рана", ("father", "cy"): "Омар", ("family", "cy"): "Мухамед"},
    )
    hits = person_search(user=personas.registrar, query="رنا عمر ممد")
    assert hits[0].person_id == rana.pk
