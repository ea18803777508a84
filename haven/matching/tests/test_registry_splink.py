"""manage.py dedupe_splink --registry (Splink over the registry into the review queue) and the bulk queueing.

A few dozen synthetic persons: one man registered three times (in Arabic,
Latin and Cyrillic script, once at another centre), two more persons
registered twice across scripts, his brother and sister, and strangers.
Splink runs on DuckDB in a few seconds per run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from haven.accounts.models import Membership, Role
from haven.audit.models import AuditAction, AuditEvent
from haven.lib.testing.personas import make_user
from haven.matching.models import MERGED_STATUS, BatchRun, BatchStatus, DuplicatePair, PairStatus
from haven.matching.services import duplicate_pair_create, duplicate_pairs_create_many
from haven.matching.splink_engine import DEFAULT_THRESHOLD
from haven.matching.tests.helpers import make_household, make_person
from haven.registry.models import Person

pytestmark = pytest.mark.django_db

PAIR_TYPE = "matching.duplicatepair"

# Strangers: (given, father, family, date of birth, sex), Latin script.
STRANGERS = [
    ("Rami", "Said", "Khalil", date(1971, 5, 9), "M"),
    ("Lina", "Adel", "Haddad", date(1994, 8, 23), "F"),
    ("Omar", "Fares", "Darwish", date(1966, 2, 11), "M"),
    ("Huda", "Samir", "Mansour", date(1988, 12, 30), "F"),
    ("Khaled", "Nabil", "Sabbagh", date(1979, 6, 17), "M"),
    ("Rana", "Walid", "Qassem", date(2001, 3, 5), "F"),
    ("Tarek", "Jamil", "Hamdan", date(1983, 9, 1), "M"),
    ("Dima", "Ziad", "Shami", date(1997, 10, 14), "F"),
    ("Bassel", "Hani", "Attar", date(1975, 1, 27), "M"),
    ("Noura", "Ayman", "Bitar", date(1990, 4, 8), "F"),
    ("Majd", "Ghassan", "Zein", date(2003, 11, 19), "M"),
    ("Salma", "Fadi", "Kurdi", date(1986, 7, 3), "F"),
    ("Wael", "Bassam", "Hijazi", date(1969, 3, 22), "M"),
    ("Reem", "Maher", "Sharif", date(1999, 5, 29), "F"),
    ("Firas", "Imad", "Halabi", date(1981, 8, 6), "M"),
    ("Yara", "Raed", "Masri", date(2005, 2, 15), "F"),
    ("Hassan", "Karim", "Jabri", date(1973, 12, 2), "M"),
    ("Aya", "Tamer", "Nahhas", date(1995, 6, 21), "F"),
    ("Samer", "Adnan", "Kayyali", date(1977, 10, 9), "M"),
    ("Rasha", "Mazen", "Hallak", date(1992, 1, 12), "F"),
]


def names(script: str, given: str, father: str, family: str) -> dict[tuple[str, str], str]:
    return {("given", script): given, ("father", script): father, ("family", script): family}


def build_registry(personas: Any) -> dict[str, Any]:
    """The registry of this module; returns the persons the tests name."""
    a, b = personas.site_a, personas.site_b
    family = make_household(site=a)
    p: dict[str, Any] = {}
    # Mohammad son of Ahmad al-Hasan, three times, once at centre B.
    p["mohammad_ar"] = make_person(site=a, names=names("ar", "محمد", "أحمد", "الحسن"), household=family)
    p["mohammad_cy"] = make_person(site=a, names=names("cy", "Мухаммед", "Ахмед", "Аль-Хасан"))
    p["mohammad_la_b"] = make_person(site=b, names=names("la", "Mohammad", "Ahmad", "Al-Hasan"))
    # His brother and sister: same father and family, other given name and date.
    p["ali"] = make_person(
        site=a, names=names("la", "Ali", "Ahmad", "Al-Hasan"), dob=date(1987, 1, 1), household=family
    )
    p["mariam"] = make_person(
        site=a, names=names("ar", "مريم", "أحمد", "الحسن"), dob=date(1992, 6, 5), sex="F", household=family
    )
    # Fatima daughter of Khalil Haddad, in Arabic and Latin.
    p["fatima_ar"] = make_person(site=a, names=names("ar", "فاطمة", "خليل", "حداد"), dob=date(1990, 7, 2), sex="F")
    p["fatima_la"] = make_person(site=a, names=names("la", "Fatima", "Khalil", "Haddad"), dob=date(1990, 7, 2), sex="F")
    # Youssef son of Omar Nasser, in Latin and Cyrillic.
    p["youssef_la"] = make_person(site=a, names=names("la", "Youssef", "Omar", "Nasser"), dob=date(1978, 11, 20))
    p["youssef_cy"] = make_person(site=a, names=names("cy", "Юсеф", "Омар", "Насер"), dob=date(1978, 11, 20))
    # A record already merged into Mohammad's: never compared again.
    merged = make_person(site=a, names=names("la", "Muhammad", "Ahmed", "Alhasan"))
    Person.objects.filter(pk=merged.pk).update(status_id=MERGED_STATUS)
    p["merged"] = merged
    for i, (given, father, fam, dob, sex) in enumerate(STRANGERS):
        make_person(site=a if i % 4 else b, names=names("la", given, father, fam), dob=dob, sex=sex)
    return p


def pair_of(*persons: Any) -> frozenset[Any]:
    return frozenset(x.pk for x in persons)


def queued() -> set[frozenset[Any]]:
    return {frozenset((a, b)) for a, b in DuplicatePair.objects.values_list("person_a_id", "person_b_id")}


def batch_user(personas: Any, *sites: Any) -> Any:
    """A user who holds the batch deduplication capability (administrator) at ``sites``."""
    user = make_user("dedupe-operator")
    for site in sites:
        Membership.objects.create(user=user, site=site, role=Role.objects.get(code="admin"))
    return user


def registry_run(*args: str, language: str = "en") -> None:
    call_command("dedupe_splink", "--registry", *args, "--quiet", "--language", language)


def test_registry_run_queues_the_duplicates_not_the_siblings(personas, capsys, settings):
    settings.HAVEN_REQUIRE_2FA = False  # the administrator's batch page; two-factor is not under test here
    p = build_registry(personas)
    operator = batch_user(personas, personas.site_a, personas.site_b)
    mohammad = (p["mohammad_ar"], p["mohammad_cy"], p["mohammad_la_b"])
    expected = {
        pair_of(mohammad[0], mohammad[1]),
        pair_of(mohammad[0], mohammad[2]),
        pair_of(mohammad[1], mohammad[2]),  # across centres: the run covers every site
        pair_of(p["fatima_ar"], p["fatima_la"]),
        pair_of(p["youssef_la"], p["youssef_cy"]),
    }

    registry_run("--actor", "dedupe-operator")

    # Every cross-script duplicate is queued, and nothing else: not the brother
    # or sister (same father and family name, another given name and date of
    # birth), not the merged record, not a stranger.
    assert queued() == expected
    run = BatchRun.objects.get()
    assert run.status == BatchStatus.DONE and run.stage == "done" and run.progress == 1.0
    assert run.started_by == operator and run.finished_at is not None
    assert set(run.sites) == {str(personas.site_a.pk), str(personas.site_b.pk)}
    assert run.records == Person.objects.count() - 1 == 29  # every person but the merged one
    assert run.pairs_found == run.pairs_new == 5
    for pair in DuplicatePair.objects.all():
        assert pair.source == "batch" and pair.batch_run == run and pair.status == PairStatus.OPEN
        assert DEFAULT_THRESHOLD <= pair.score <= 1.0  # Splink's match probability, at or above the default threshold
    out = capsys.readouterr().out
    assert "29 persons compared, 5 pairs found, 5 new pairs queued for review" in out
    assert f"/matching/batch/{run.pk}/" in out

    # Audited as a batch run of the page is, plus one event per queued pair, by the operator.
    (started,) = AuditEvent.objects.filter(object_type="matching.batchrun", object_id=str(run.pk))
    assert started.action == AuditAction.CREATE and started.actor == operator
    assert started.values == {"sites": run.sites, "engine": "splink"}
    events = AuditEvent.objects.filter(object_type=PAIR_TYPE)
    assert {e.object_id for e in events} == {str(pk) for pk in DuplicatePair.objects.values_list("pk", flat=True)}
    assert all(e.action == AuditAction.CREATE and e.actor == operator for e in events)
    assert events.count() == 5

    # The batch page lists the run to an administrator of both centres it compared, not of one.
    client = personas.client("admin")
    assert f"/matching/batch/{run.pk}/" not in client.get("/matching/batch/").content.decode()
    from haven.accounts.access import forget_capabilities
    from haven.accounts.models import Membership, Role

    Membership.objects.create(user=personas.admin, site=personas.site_b, role=Role.objects.get(code="admin"))
    forget_capabilities(personas.admin)
    assert f"/matching/batch/{run.pk}/" in client.get("/matching/batch/").content.decode()
    assert b"5 new pairs to review" in client.get(f"/matching/batch/{run.pk}/").content

    # A second run finds the same pairs and queues none twice, whatever their status now.
    DuplicatePair.objects.filter(person_a__in=[p["fatima_ar"], p["fatima_la"]]).update(status=PairStatus.DISTINCT)
    registry_run("--actor", "dedupe-operator")
    again = BatchRun.objects.exclude(pk=run.pk).get()
    assert again.status == BatchStatus.DONE and again.pairs_found == 5 and again.pairs_new == 0
    assert queued() == expected and DuplicatePair.objects.filter(batch_run=again).count() == 0
    assert AuditEvent.objects.filter(object_type=PAIR_TYPE).count() == 5
    call_command("audit_verify")  # the chain written in bulk is intact


def test_site_restricts_the_run(personas):
    p = build_registry(personas)
    # The administrator holds the capability at centre A only.
    registry_run("--actor", "admin", "--site", "centre-a")
    run = BatchRun.objects.get()
    assert run.sites == [str(personas.site_a.pk)] and run.status == BatchStatus.DONE
    assert run.records == Person.objects.filter(site=personas.site_a).exclude(status_id=MERGED_STATUS).count()
    # Mohammad's registration at centre B is not compared.
    assert queued() == {
        pair_of(p["mohammad_ar"], p["mohammad_cy"]),
        pair_of(p["fatima_ar"], p["fatima_la"]),
        pair_of(p["youssef_la"], p["youssef_cy"]),
    }


@pytest.mark.parametrize(
    ("args", "language", "message"),
    [
        # Every site by default: the administrator of centre A may not compare centre B.
        ((), "ru", "Пользователю admin не разрешён пакетный поиск дубликатов в центрах: centre-b."),
        (("--site", "centre-b"), "ar", "لا يحق لـ admin تشغيل البحث الجماعي عن التكرارات في المراكز: centre-b."),
        (("--site", "centre-a", "--site", "centre-b"), "en", "admin may not run batch deduplication at centre-b."),
    ],
)
def test_a_user_without_the_capability_is_refused(personas, args, language, message):
    make_person(site=personas.site_b, names=names("la", "Mohammad", "Ahmad", "Al-Hasan"))
    make_person(site=personas.site_b, names=names("cy", "Мухаммед", "Ахмед", "Аль-Хасан"))
    with pytest.raises(CommandError) as caught:
        registry_run("--actor", "admin", *args, language=language)
    assert str(caught.value) == message
    assert not BatchRun.objects.exists() and not DuplicatePair.objects.exists()
    denial = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).last()
    assert denial is not None and denial.actor == personas.admin and denial.purpose == "batch deduplication"


def test_a_user_with_no_role_is_refused(personas):
    with pytest.raises(CommandError, match="outsider may not run batch deduplication at centre-a, centre-b"):
        registry_run("--actor", "outsider")
    assert not BatchRun.objects.exists()


@pytest.mark.parametrize(
    ("args", "language", "message"),
    [
        (("in.csv", "--registry", "--actor", "admin"), "en", "Give either a CSV file or --registry, not both."),
        ((), "ru", "Укажите CSV-файл для чтения или --registry, чтобы читать людей из базы данных."),
        (("in.csv",), "en", "Give the file to write the pairs to with --output."),
        (("--registry",), "ar", "يحتاج --registry إلى --actor USERNAME"),
        (("--registry", "--actor", "admin", "-o", "p.csv"), "ru", "--output нужен только для CSV-файла"),
        (("in.csv", "-o", "p.csv", "--site", "centre-a"), "en", "--site and --actor go with --registry."),
        (("--registry", "--actor", "nobody"), "ru", "Нет активного пользователя nobody."),
        (("--registry", "--actor", "admin", "--site", "nowhere"), "ar", "رمز مركز غير معروف: nowhere."),
        (("--registry", "--actor", "admin", "--threshold", "0"), "en", "--threshold must be between 0 and 1."),
    ],
)
def test_the_mode_and_its_options_are_checked_first(personas, args, language, message):
    with pytest.raises(CommandError) as caught:
        call_command("dedupe_splink", *args, "--quiet", "--language", language)
    assert message in str(caught.value)
    assert not BatchRun.objects.exists()


def test_a_failed_run_is_marked_failed_and_keeps_what_was_queued(personas, monkeypatch):
    import duckdb

    from haven.matching import splink_engine

    a, b = (make_person(site=personas.site_a, names=names("la", "Rami", "Said", "Khalil")) for _ in range(2))

    class Exhausted:
        """Splink's pairs: one comes out, then DuckDB runs out of memory."""

        records, count = 2, 2

        def __iter__(self):
            yield str(a.pk), str(b.pk), 0.99
            raise duckdb.OutOfMemoryException("out of memory")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(splink_engine, "predicted_pairs", lambda records, **kwargs: Exhausted())
    monkeypatch.setattr("haven.matching.services.PAIRS_BATCH", 1)
    with pytest.raises(CommandError) as caught:
        call_command("dedupe_splink", "--registry", "--actor", "admin", "--site", "centre-a", "--language", "ru")
    assert str(caught.value).startswith("Для реестра не хватает памяти")
    assert "пары, поставленные в очередь проверки до сбоя, остаются в ней" in str(caught.value)
    run = BatchRun.objects.get()
    assert run.status == BatchStatus.FAILED and run.message == "OutOfMemoryException" and run.finished_at
    assert queued() == {pair_of(a, b)} and run.pairs_new == 1


# --- The bulk service ----------------------------------------------------------------------------


def test_bulk_queueing_skips_known_pairs_and_audits_each_new_one(personas):
    site = personas.site_a
    x, y, z, w = (make_person(site=site, names=names("la", f"Given{i}", "Father", "Family")) for i in range(4))
    other = make_person(site=personas.site_b, names=names("la", "Given", "Father", "Family"))
    # Known already, in the other order and decided: must not come back.
    known = duplicate_pair_create(actor="test", person_a=y, person_b=x, score=0.7, source="registration")
    assert known is not None
    DuplicatePair.objects.filter(pk=known.pk).update(status=PairStatus.DISTINCT)
    gone = make_person(site=site, names=names("la", "Gone", "Father", "Family"))
    gone_pk = gone.pk
    gone.delete()
    seen: list[tuple[int, int]] = []

    new = duplicate_pairs_create_many(
        actor=personas.admin,
        pairs=[
            (x.pk, y.pk, 0.95),  # known (as y, x)
            (str(z.pk), str(x.pk), 0.91234),  # new, given in the "wrong" order and as text
            (x.pk, z.pk, 0.5),  # the same pair again: the first score stays
            (w.pk, w.pk, 1.0),  # a person with themself
            (w.pk, gone_pk, 0.99),  # a person who no longer exists
            (other.pk, w.pk, 0.93),  # new, across sites
        ],
        source="batch",
        batch_size=2,
        progress=lambda read, new: seen.append((read, new)),
    )

    assert new == 2
    assert seen == [(2, 1), (4, 1), (6, 2)]  # three transactions of two pairs each
    assert DuplicatePair.objects.get(pk=known.pk).status == PairStatus.DISTINCT
    xz = DuplicatePair.objects.get(person_a__in=[x, z], person_b__in=[x, z])
    assert str(xz.person_a_id) < str(xz.person_b_id) and xz.score == 0.9123 and xz.source == "batch"
    assert xz.site_id == (x if str(x.pk) < str(z.pk) else z).site_id
    ow = DuplicatePair.objects.get(person_a__in=[other, w], person_b__in=[other, w])
    assert ow.site_id == min((other, w), key=lambda p: str(p.pk)).site_id
    # One audit event per new pair, written as duplicate_pair_create writes its own.
    single = AuditEvent.objects.get(object_type=PAIR_TYPE, object_id=str(known.pk))
    for pair in (xz, ow):
        (event,) = AuditEvent.objects.filter(object_type=PAIR_TYPE, object_id=str(pair.pk))
        assert event.action == AuditAction.CREATE and event.actor == personas.admin
        assert event.fields == single.fields and event.purpose == single.purpose
        assert event.values == {
            "person_a": str(pair.person_a_id),
            "person_b": str(pair.person_b_id),
            "score": pair.score,
            "source": "batch",
        }
    assert AuditEvent.objects.filter(object_type=PAIR_TYPE).count() == 3
    call_command("audit_verify")


def test_bulk_queueing_keeps_the_batches_before_a_failure(personas, monkeypatch):
    import haven.matching.services as services

    persons = [make_person(site=personas.site_a, names=names("la", f"Given{i}", "F", "G")) for i in range(4)]
    calls = []
    real = services.audit_record_many

    def failing_second_time(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record_many", failing_second_time)
    pairs = [(persons[0].pk, persons[1].pk, 0.9), (persons[2].pk, persons[3].pk, 0.9)]
    with pytest.raises(RuntimeError):
        duplicate_pairs_create_many(actor="test", pairs=pairs, source="batch", batch_size=1)
    # The first batch stays, with its audit event; the second left nothing, not even its pair.
    assert queued() == {pair_of(persons[0], persons[1])}
    assert AuditEvent.objects.filter(object_type=PAIR_TYPE).count() == 1


def test_bulk_queueing_refuses_an_unknown_source(personas):
    with pytest.raises(ValueError, match="unknown source"):
        duplicate_pairs_create_many(actor="test", pairs=[], source="guess")
