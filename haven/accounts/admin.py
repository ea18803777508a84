from __future__ import annotations

# Imported first so that its registration happens now and can be undone below;
# autodiscover's later import of it is then a no-op (haven.accounts comes before
# django_otp in INSTALLED_APPS, and before django.contrib.admin, whose ready()
# autodiscovers, so neither this module's turn nor AccountsConfig.ready() would
# otherwise find it registered).
import django_otp.plugins.otp_totp.admin  # noqa: F401  isort: skip
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Membership, Region, Role, Site, User
from haven.accounts.two_factor import devices_remove, enrolment_code_expiry, enrolment_code_issue

# django-otp's device admin shows any user's key (the "config" QR page) and lets an
# administrator create a confirmed device, with a key of their choosing, for someone
# else, unaudited. Authenticators are enrolled with an enrolment code only, and
# removed with the user admin's "lost phone" action.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    actions = ["issue_enrolment_code", "remove_two_factor_devices"]

    def _two_factor_refusal(self, request: HttpRequest, user: User) -> str | None:
        """Why the requester may not manage ``user``'s second factor (None: they may).

        Whoever issues a code or removes the authenticators of an account can
        take it over: only a superuser does so for a superuser, and nobody for
        themself (another administrator must, and is audited doing it).
        """
        requester = request.user
        if user.pk == requester.pk:
            return gettext("You cannot do this for your own account. Ask another administrator.")
        if user.is_superuser and not requester.is_superuser:
            return gettext("Only a superuser can do this for a superuser.")
        return None

    def _one_user_to_manage(self, request: HttpRequest, queryset: QuerySet[User], not_one: str) -> User | None:
        """The one selected user whose second factor the requester may manage, or None (told why)."""
        users = list(queryset[:2])
        if len(users) != 1:
            self.message_user(request, not_one, messages.WARNING)
            return None
        refusal = self._two_factor_refusal(request, users[0])
        if refusal is not None:
            self.message_user(request, refusal, messages.WARNING)
            return None
        return users[0]

    @admin.action(description=_("Issue a two-factor enrolment code"), permissions=["change"])
    def issue_enrolment_code(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Shown once, in a message (kept in the session, server side), never stored in clear."""
        user = self._one_user_to_manage(
            request, queryset, gettext("Select exactly one user to issue an enrolment code for.")
        )
        if user is None:
            return
        if not user.is_active:
            self.message_user(
                request,
                gettext("The account %(user)s is not active: activate it before issuing an enrolment code.")
                % {"user": user.get_username()},
                messages.WARNING,
            )
            return
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

    @admin.action(description=_("Remove two-factor authenticators (lost phone)"), permissions=["change"])
    def remove_two_factor_devices(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Delete the user's authenticators (audited); they then need a new enrolment code."""
        user = self._one_user_to_manage(
            request, queryset, gettext("Select exactly one user to remove the two-factor authenticators of.")
        )
        if user is None:
            return
        removed = devices_remove(actor=request.user, user=user)
        if not removed:
            self.message_user(
                request,
                gettext("The account %(user)s has no two-factor authenticator.") % {"user": user.get_username()},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            gettext(
                "The two-factor authenticators of %(user)s were removed (%(count)d). "
                "Issue them a new enrolment code to set up a new one."
            )
            % {"user": user.get_username(), "count": removed},
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
