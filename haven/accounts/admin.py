from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Membership, Region, Role, Site, User
from haven.accounts.two_factor import enrolment_code_expiry, enrolment_code_issue


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    actions = ["issue_enrolment_code"]

    @admin.action(description=_("Issue a two-factor enrolment code"), permissions=["change"])
    def issue_enrolment_code(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Shown once, in a message (kept in the session, server side), never stored in clear."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(
                request, gettext("Select exactly one user to issue an enrolment code for."), messages.WARNING
            )
            return
        user = users[0]
        code = enrolment_code_issue(actor=request.user, user=user)
        expires = enrolment_code_expiry(user=user)
        self.message_user(
            request,
            gettext(
                "Enrolment code for %(user)s: %(code)s. It works once, until %(expires)s. "
                "Give it to them in person; it is not shown again."
            )
            % {
                "user": user.get_username(),
                "code": code,
                "expires": formats.date_format(timezone.localtime(expires), "DATETIME_FORMAT") if expires else "",
            },
            messages.SUCCESS,
        )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "requires_two_factor"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country_code"]
    search_fields = ["code", "name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "is_active"]
    search_fields = ["code", "name"]
    list_filter = ["region", "is_active"]
