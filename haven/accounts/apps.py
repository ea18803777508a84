from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "haven.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self) -> None:
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import post_migrate

        from haven.accounts import signals

        post_migrate.connect(signals.sync_roles, sender=self)
        auth_signals.user_logged_in.connect(signals.audit_login, dispatch_uid="haven_audit_login")
        auth_signals.user_logged_out.connect(signals.audit_logout, dispatch_uid="haven_audit_logout")
        auth_signals.user_login_failed.connect(signals.audit_login_failed, dispatch_uid="haven_audit_login_failed")

    def nav_items(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access
        from haven.accounts.roles import USER_MANAGE

        if user.is_staff and access.may(user, USER_MANAGE):
            return [{"title": _("Administration"), "url": reverse("admin:index")}]
        return []

    def home_panels(self, user: Any) -> list[dict[str, Any]]:
        from django.urls import reverse

        from haven.accounts import access
        from haven.accounts.roles import USER_MANAGE
        from haven.accounts.selectors import staff_counts, user_sites

        panels: list[dict[str, Any]] = [{"title": _("Your sites"), "value": user_sites(user=user).count(), "url": ""}]
        if access.may(user, USER_MANAGE):
            counts = staff_counts()
            staff_links = user.is_staff
            panels.append(
                {
                    "title": _("Active staff accounts"),
                    "value": counts["users"],
                    "url": reverse("admin:accounts_user_changelist") if staff_links else "",
                }
            )
            panels.append(
                {
                    "title": _("Active sites"),
                    "value": counts["sites"],
                    "url": reverse("admin:accounts_site_changelist") if staff_links else "",
                }
            )
        return panels
