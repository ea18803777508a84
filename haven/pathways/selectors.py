"""Reading pathways: always scoped to the user's sites (and, for worklists, roles)."""

from __future__ import annotations

import datetime
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from haven.accounts import access
from haven.accounts.models import Membership, Site
from haven.accounts.roles import APPOINTMENT_MANAGE, STEP_VIEW
from haven.pathways.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentStatus,
    Enrolment,
    EnrolmentStatus,
    Notification,
    PathwayTemplate,
    Step,
    StepScan,
    StepStatus,
    StepTemplate,
)

SITE_FIELD = "person__site"


def steps_visible(user: Any, capability: str = STEP_VIEW) -> QuerySet[Step]:
    return access.scope(user, Step.objects.all(), capability, site_field=SITE_FIELD)


def roles_by_site(user: Any) -> dict[uuid.UUID, set[str]]:
    """The role codes the user holds at each site where they may view steps."""
    sites = access.sites_with(user, STEP_VIEW)
    result: dict[uuid.UUID, set[str]] = defaultdict(set)
    for site_id, code in (
        Membership.objects.current().filter(user=user, site_id__in=sites).values_list("site_id", "role__code")
    ):
        result[site_id].add(code)
    return dict(result)


def _my_role_filter(user: Any) -> Q:
    q = Q(pk__in=[])
    for site_id, codes in roles_by_site(user).items():
        q |= Q(person__site_id=site_id, step_template__responsible_role__in=codes)
    return q


@dataclass(frozen=True)
class WorklistFilter:
    mine: bool = True
    due: str = "due"  # overdue | week | due (overdue + next 30 days) | all
    category: str = ""
    step_code: str = ""
    site_id: str = ""


def worklist(*, user: Any, filters: WorklistFilter = WorklistFilter(), limit: int = 500) -> list[Step]:
    """Open steps for the people at the user's sites, most urgent first.

    Overdue steps first (oldest due date first), then by due date; steps
    without a due date come last. The number of queries does not depend
    on the number of rows.
    """
    today = timezone.localdate()
    qs = steps_visible(user).filter(status__in=OPEN_STATUSES, enrolment__status=EnrolmentStatus.ACTIVE)
    if filters.mine:
        qs = qs.filter(_my_role_filter(user))
    if filters.due == "overdue":
        qs = qs.filter(due_date__lt=today)
    elif filters.due == "week":
        qs = qs.filter(due_date__lte=today + datetime.timedelta(days=7))
    elif filters.due == "due":
        qs = qs.filter(due_date__lte=today + datetime.timedelta(days=30))
    if filters.category:
        qs = qs.filter(step_template__category=filters.category)
    if filters.step_code:
        qs = qs.filter(step_template__code=filters.step_code)
    if filters.site_id:
        qs = qs.filter(person__site_id=filters.site_id)
    qs = (
        qs.select_related("step_template", "person", "person__site", "person__household")
        .prefetch_related("person__names")
        .order_by(F("due_date").asc(nulls_last=True), "step_template__order", "person__registration_number")
    )
    return list(qs[:limit])


def worklist_counts(*, user: Any) -> dict[str, int]:
    """Overdue and due-this-week open steps for the user's role at their sites."""
    today = timezone.localdate()
    qs = steps_visible(user).filter(
        _my_role_filter(user), status__in=OPEN_STATUSES, enrolment__status=EnrolmentStatus.ACTIVE
    )
    figures = qs.aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        week=Count("pk", filter=Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=7))),
    )
    return {"overdue": figures["overdue"], "week": figures["week"]}


def step_codes_for_filters(user: Any) -> list[tuple[str, str]]:
    """(code, title) of the steps of the active templates, for the filter menus."""
    seen: dict[str, str] = {}
    for st in StepTemplate.objects.filter(template__active=True).order_by("template__code", "order"):
        seen.setdefault(st.code, st.title)
    return list(seen.items())


def expiring_documents(*, user: Any, within_days: int = 30) -> list[Step]:
    """Done steps whose document expires within N days (or has expired), soonest first."""
    limit = timezone.localdate() + datetime.timedelta(days=within_days)
    return list(
        steps_visible(user)
        .filter(status=StepStatus.DONE, expires_on__isnull=False, expires_on__lte=limit)
        .filter(enrolment__status=EnrolmentStatus.ACTIVE)
        .select_related("step_template", "person", "person__site")
        .prefetch_related("person__names")
        .order_by("expires_on")[:500]
    )


def person_enrolment(*, person: Any) -> Enrolment | None:
    return (
        Enrolment.objects.filter(person=person, status=EnrolmentStatus.ACTIVE)
        .select_related("template")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=Step.objects.select_related("step_template", "completed_by")
                .prefetch_related("appointments", "step_template__prerequisites")
                .order_by("step_template__order"),
            )
        )
        .first()
    )


def household_members_visible(user: Any, household: Any, capability: str = STEP_VIEW) -> QuerySet[Any]:
    """The household's members at sites where the user holds ``capability`` (default: seeing steps).

    A member can be transferred alone: the household stays at its site,
    the member's case moves to another. Staff at the household's site must
    not go on seeing that member's pathway.
    """
    from haven.registry.selectors import household_members_visible as registry_members

    return registry_members(user, household, capability)


def household_timeline(*, household: Any, user: Any) -> list[tuple[Any, Enrolment | None]]:
    members = list(household_members_visible(user, household).prefetch_related("names").order_by("registration_number"))
    enrolments = {
        e.person_id: e
        for e in Enrolment.objects.filter(person__in=members, status=EnrolmentStatus.ACTIVE)
        .select_related("template")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.select_related("step_template").order_by("step_template__order"))
        )
    }
    return [(m, enrolments.get(m.pk)) for m in members]


def appointments_for_site(*, site: Site, start: datetime.date, days: int = 7) -> list[Appointment]:
    return list(
        Appointment.objects.filter(site=site, on_date__gte=start, on_date__lt=start + datetime.timedelta(days=days))
        .select_related("household")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.select_related("person", "step_template")))
        .order_by("on_date", "at_time")
    )


def appointments_today_count(*, user: Any) -> int:
    sites = access.sites_with(user, APPOINTMENT_MANAGE) | access.sites_with(user, STEP_VIEW)
    return Appointment.objects.filter(
        site_id__in=sites, on_date=timezone.localdate(), status=AppointmentStatus.BOOKED
    ).count()


@dataclass
class FunnelRow:
    code: str
    title: str
    category: str
    applicable: int
    done: int
    overdue: int
    median_days: float | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.applicable) if self.applicable else 0


def site_funnel(*, site: Site) -> list[FunnelRow]:
    """Per step of the templates in use at a site: how many have it, have done it, are late, median days."""
    today = timezone.localdate()
    base = Step.objects.filter(person__site=site, enrolment__status=EnrolmentStatus.ACTIVE)
    counts = {
        row["step_template__code"]: row
        for row in base.values("step_template__code").annotate(
            applicable=Count("pk", filter=~Q(status=StepStatus.NOT_APPLICABLE)),
            done=Count("pk", filter=Q(status=StepStatus.DONE)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        )
    }
    durations: dict[str, list[int]] = defaultdict(list)
    for code, completed, arrived in base.filter(status=StepStatus.DONE).values_list(
        "step_template__code", "completed_on", "enrolment__arrival_date"
    ):
        if completed is not None:
            durations[code].append((completed - arrived).days)
    template_ids = base.values("enrolment__template_id").distinct()
    rows: dict[str, FunnelRow] = {}
    for st in StepTemplate.objects.filter(template_id__in=template_ids).order_by("template__code", "order"):
        if st.code in rows or st.code not in counts:
            continue
        c = counts[st.code]
        d = durations.get(st.code)
        rows[st.code] = FunnelRow(
            code=st.code,
            title=st.title,
            category=st.category,
            applicable=c["applicable"],
            done=c["done"],
            overdue=c["overdue"],
            median_days=statistics.median(d) if d else None,
        )
    return list(rows.values())


def progress_sites(user: Any) -> list[Site]:
    return list(Site.objects.filter(pk__in=access.sites_with(user, STEP_VIEW), is_active=True).order_by("name"))


def templates_list() -> list[PathwayTemplate]:
    return list(PathwayTemplate.objects.annotate(enrolled=Count("enrolments")).order_by("code", "-version"))


def notifications_for(*, user: Any, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-created_at")[:limit])


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def step_scan_info(*, step: Step) -> StepScan | None:
    """The scan's type, size and date, without loading the file."""
    return StepScan.objects.filter(step=step).defer("data").first()
