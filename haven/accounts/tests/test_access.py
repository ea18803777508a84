"""The access module, role by role: allowed, denied, scoped, fetched, audited."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from haven.accounts import access
from haven.accounts.models import Membership, Role, Site
from haven.accounts.roles import (
    AUDIT_VIEW,
    DEFAULT_ROLES,
    PERSON_REGISTER,
    PERSON_VIEW,
    USER_MANAGE,
    note_read,
)
from haven.audit.models import AuditAction, AuditEvent

ROLE_SPECS = {spec.code: spec for spec in DEFAULT_ROLES}
ALL_CAPABILITIES = sorted({c for spec in DEFAULT_ROLES for c in spec.capabilities})


def thing_at(site: Site) -> SimpleNamespace:
    """Any object that belongs to a site through ``site_id``."""
    return SimpleNamespace(site_id=site.pk)


def fresh(user):
    access.forget_capabilities(user)
    return user


@pytest.mark.parametrize("role", sorted(ROLE_SPECS))
def test_each_role_may_use_its_capabilities_at_its_site_only(personas, role):
    user = personas.users[role]
    granted = set(ROLE_SPECS[role].capabilities)
    for capability in ALL_CAPABILITIES:
        allowed = capability in granted
        assert access.may(user, capability) is allowed, capability
        assert access.may(user, capability, thing_at(personas.site_a)) is allowed, capability
        assert access.may(user, capability, site=personas.site_a) is allowed, capability
        assert access.may(user, capability, site=personas.site_a.pk) is allowed, capability
        # Never at the other centre.
        assert access.may(user, capability, thing_at(personas.site_b)) is False, capability
        assert access.may(user, capability, personas.site_b) is False, capability


@pytest.mark.parametrize("role", sorted(ROLE_SPECS))
def test_each_role_require_allows_and_denies_with_an_audit_row(personas, role):
    user = personas.users[role]
    capability = ROLE_SPECS[role].capabilities[0]
    access.require(user, capability, personas.site_a, purpose="test")
    assert not AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).exists()
    with pytest.raises(PermissionDenied):
        access.require(user, capability, personas.site_b, purpose="test")
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert event.actor == user
    assert event.fields == [capability]
    assert event.object_type == "accounts.site"
    assert event.object_id == str(personas.site_b.pk)
    assert event.purpose == "test"


@pytest.mark.parametrize("role", sorted(ROLE_SPECS))
def test_each_role_scope_and_get_for_user(personas, role):
    user = personas.users[role]
    capability = ROLE_SPECS[role].capabilities[0]
    scoped = access.scope(user, Site.objects.all(), capability, site_field="pk")
    assert list(scoped) == [personas.site_a]
    site = access.get_for_user(user, Site.objects.all(), personas.site_a.pk, capability=capability, site_field="pk")
    assert site == personas.site_a
    with pytest.raises(Http404):
        access.get_for_user(user, Site.objects.all(), personas.site_b.pk, capability=capability, site_field="pk")
    missing = [c for c in ALL_CAPABILITIES if c not in ROLE_SPECS[role].capabilities][0]
    assert not access.scope(user, Site.objects.all(), missing, site_field="pk").exists()


def test_scope_through_a_site_foreign_key(personas):
    """The usual case: rows with a ``site`` field."""
    rows = access.scope(personas.caseworker, Membership.objects.all(), PERSON_VIEW)
    assert {m.site_id for m in rows} == {personas.site_a.pk}
    assert (
        access.scope(personas.caseworker_b, Membership.objects.all(), PERSON_VIEW).filter(site=personas.site_a).count()
        == 0
    )


def test_get_for_user_audits_the_read_with_its_purpose(personas):
    access.get_for_user(
        personas.caseworker,
        Site.objects.all(),
        personas.site_a.pk,
        capability=PERSON_VIEW,
        site_field="pk",
        purpose="check the file",
    )
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.actor == personas.caseworker
    assert event.object_id == str(personas.site_a.pk)
    assert event.purpose == "check the file"


def test_get_for_user_can_skip_the_read_audit(personas):
    access.get_for_user(
        personas.caseworker,
        Site.objects.all(),
        personas.site_a.pk,
        capability=PERSON_VIEW,
        site_field="pk",
        audit_read=False,
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize("bad_pk", ["not-a-uuid", "", None, 12, "735c2a1c-9d68-4ec5-9120-942796e35a00"])
def test_get_for_user_turns_bad_ids_into_404(personas, bad_pk):
    with pytest.raises(Http404):
        access.get_for_user(personas.caseworker, Site.objects.all(), bad_pk, capability=PERSON_VIEW, site_field="pk")


def test_outsider_holds_nothing(personas):
    user = personas.outsider
    for capability in ALL_CAPABILITIES:
        assert not access.may(user, capability)
        assert not access.may(user, capability, personas.site_a)
    assert not access.scope(user, Site.objects.all(), PERSON_VIEW, site_field="pk").exists()
    with pytest.raises(Http404):
        access.get_for_user(user, Site.objects.all(), personas.site_a.pk, capability=PERSON_VIEW, site_field="pk")
    with pytest.raises(PermissionDenied):
        access.require(user, PERSON_VIEW, personas.site_a)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=user).count() == 1


def test_anonymous_holds_nothing(db, personas):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.may(anonymous, PERSON_VIEW)
    assert not access.may(None, PERSON_VIEW)
    with pytest.raises(PermissionDenied):
        access.require(anonymous, PERSON_VIEW, personas.site_a)


def test_superuser_flag_grants_nothing(personas):
    user = personas.outsider
    user.is_superuser = True
    user.is_staff = True
    user.save()
    fresh(user)
    assert not access.may(user, PERSON_VIEW, personas.site_a)
    assert not access.may(user, note_read("psychological"))
    assert not access.may(user, AUDIT_VIEW)


def test_expired_membership_grants_nothing(personas):
    user = personas.caseworker
    now = timezone.now()
    Membership.objects.filter(user=user).update(valid_from=now - dt.timedelta(days=10), valid_until=now)
    assert not access.may(fresh(user), PERSON_VIEW, personas.site_a)


def test_future_and_current_time_boxed_memberships(personas):
    """An ombudsman's visit: a membership valid for a few days only."""
    user = personas.outsider
    now = timezone.now()
    membership = Membership.objects.create(
        user=user,
        site=personas.site_b,
        role=Role.objects.get(code="ombudsman"),
        valid_from=now + dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=3),
    )
    assert not access.may(fresh(user), PERSON_VIEW, personas.site_b)
    membership.valid_from = now - dt.timedelta(hours=1)
    membership.save()
    assert access.may(fresh(user), PERSON_VIEW, personas.site_b)
    assert not access.may(user, PERSON_VIEW, personas.site_a)


def test_inactive_site_grants_nothing(personas):
    Site.objects.filter(pk=personas.site_a.pk).update(is_active=False)
    assert not access.may(fresh(personas.caseworker), PERSON_VIEW, personas.site_a)


def test_inactive_user_holds_nothing(personas):
    user = personas.caseworker
    user.is_active = False
    assert not access.may(fresh(user), PERSON_VIEW, personas.site_a)


def test_object_without_a_site_is_denied(personas):
    assert not access.may(personas.caseworker, PERSON_VIEW, SimpleNamespace())


def test_access_site_id_wins_over_site_id(personas):
    obj = SimpleNamespace(access_site_id=personas.site_b.pk, site_id=personas.site_a.pk)
    assert not access.may(personas.caseworker, PERSON_VIEW, obj)
    assert access.may(personas.caseworker_b, PERSON_VIEW, obj)


def test_roles_are_data_an_added_capability_counts(personas):
    role = Role.objects.get(code="manager")
    role.capabilities = [*role.capabilities, PERSON_REGISTER]
    role.save()
    assert access.may(fresh(personas.manager), PERSON_REGISTER, personas.site_a)


def test_sync_keeps_capabilities_an_administrator_added(personas):
    from haven.accounts.services import roles_sync_defaults

    role = Role.objects.get(code="manager")
    role.capabilities = [*role.capabilities, "custom.thing.do"]
    role.save()
    roles_sync_defaults()
    role.refresh_from_db()
    assert "custom.thing.do" in role.capabilities
    assert set(ROLE_SPECS["manager"].capabilities) <= set(role.capabilities)


def test_capabilities_are_cached_per_request(personas, django_assert_num_queries):
    user = fresh(personas.caseworker)
    with django_assert_num_queries(1):
        for _ in range(10):
            access.may(user, PERSON_VIEW, personas.site_a)
            access.may(user, USER_MANAGE)


def test_compartments_are_separate(personas):
    """Each note compartment is held by its own role only."""
    holders = {
        compartment: {role for role, spec in ROLE_SPECS.items() if note_read(compartment) in spec.capabilities}
        for compartment in ("social", "legal", "psychological", "medical")
    }
    assert holders == {
        "social": {"caseworker"},
        "legal": {"lawyer"},
        "psychological": {"psychologist"},
        "medical": {"doctor"},
    }
    assert not access.may(personas.ombudsman, note_read("psychological"))
    assert not access.may(personas.admin, note_read("psychological"))


def test_a_granted_membership_counts_at_once_for_the_same_user_object(personas):
    from haven.accounts.services import membership_grant

    user = fresh(personas.outsider)
    assert not access.may(user, PERSON_VIEW, personas.site_b)
    membership_grant(actor=personas.admin, user=user, site=personas.site_b, role=Role.objects.get(code="caseworker"))
    assert access.may(user, PERSON_VIEW, personas.site_b)
