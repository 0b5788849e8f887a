from __future__ import annotations

import uuid
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from komar.accounts import actions
from komar.accounts.access import get_user_for_manager, require_user_manager, users_for_manager
from komar.accounts.forms import NewUserForm, SetPasswordForm, UserForm
from komar.accounts.models import Role, User
from komar.audit.actions import write_audit
from komar.audit.models import AuditEntry
from komar.lib.http import client_ip

# Where those who open no personal file start (URL names: the apps are above this one).
HOME_BY_ROLE: dict[str, str] = {
    Role.FACILITY_MONITOR: "monitoring:home",
    Role.RESEARCHER: "research:home",
}


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if user.can_read_cases:
        return redirect("cases:case_list")
    if user.is_active and user.role in HOME_BY_ROLE:
        return redirect(HOME_BY_ROLE[user.role])
    return render(request, "accounts/home.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; remembered on the user's account and, before login, in a cookie."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        actions.do_set_user_language(request.user, language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE
        if hasattr(settings, "LANGUAGE_COOKIE_SECURE")
        else False,
        httponly=True,
    )
    return response


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    manager = require_user_manager(request)
    users = list(
        users_for_manager(manager)
        .select_related("organisation")
        .prefetch_related("facilities")
        .order_by("-is_active", "full_name", "username")
    )
    locked = set(
        AccessAttempt.objects.filter(
            username__in=[u.username for u in users],
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        ).values_list("username", flat=True)
    )
    for account in users:
        account.is_locked_out = account.username in locked  # type: ignore[attr-defined]
    return render(request, "accounts/team.html", {"users": users})


@login_required
@require_POST
def user_unlock(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    manager = require_user_manager(request)
    account = get_user_for_manager(request, code)
    actions.do_unlock_user(account, actor=manager, ip=client_ip(request))
    messages.success(request, _("Account unlocked."))
    return redirect("accounts:team")


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    manager = require_user_manager(request)
    form = NewUserForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        data = form.model_data()
        data["organisation"] = manager.organisation
        actions.do_create_user(
            data,
            facilities=form.cleaned_data["facilities"],
            password=form.cleaned_data["password1"],
            actor=manager,
            ip=client_ip(request),
        )
        messages.success(request, _("Account created."))
        return redirect("accounts:team")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New account")})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    manager = require_user_manager(request)
    account = get_user_for_manager(request, code)
    form = UserForm(request.POST or None, instance=account, manager=manager)
    if request.method == "POST" and form.is_valid():
        actions.do_change_user(
            account,
            form.model_data(),
            facilities=form.cleaned_data["facilities"],
            actor=manager,
            ip=client_ip(request),
        )
        messages.success(request, _("Account saved."))
        return redirect("accounts:team")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "title": _("Edit account")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    manager = require_user_manager(request)
    account = get_user_for_manager(request, code)
    form = SetPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        actions.do_set_user_password(
            account, form.cleaned_data["password1"], actor=manager, ip=client_ip(request)
        )
        messages.success(request, _("Password set. Give it to her in person."))
        return redirect("accounts:team")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "title": _("Set a new password")},
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """The reference-data admin. A signed-in account without access gets Komar's own page in
    her language, not Django's admin sign-in asking her to sign in as someone else."""
    from django.contrib import admin

    if request.user.is_authenticated and not request.user.is_staff:
        return render(
            request,
            "403.html",
            {"message": _("The administration pages are for Komar's administrators only.")},
            status=403,
        )
    return admin.site.login(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view, with the change written to Komar's audit (who, when, from where)."""

    template_name = "accounts/password_change.html"
    success_url = "/account/password/done/"

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = self.request.user
            assert isinstance(user, User)
            write_audit(
                actor=user,
                action=AuditEntry.Action.CHANGE,
                obj=user,
                mother=None,
                fields=["password"],
                ip=client_ip(self.request),
            )
        return response
