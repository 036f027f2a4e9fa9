from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from sammen.accounts import sessions, two_factor
from sammen.accounts.oidc import config as oidc_config
from sammen.accounts.oidc.flow import provider_logout_url
from sammen.accounts.roles import needs_two_factor
from sammen.audit import actions
from sammen.audit.log import Actor, log_login


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong user name or password. After several failed attempts the account is locked "
            "for a while."
        ),
        "inactive": _("This account is inactive."),
    }


def _next_url(request: HttpRequest) -> str:
    """The ``next`` parameter if it points into this site, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    local_login: bool = settings.SAMMEN_LOCAL_LOGIN
    if request.method == "POST" and not local_login:
        raise PermissionDenied("local login is disabled")
    if request.method == "POST":
        # AuthenticationForm passes the request to authenticate(), which django-axes needs to
        # count failures and refuse a locked-out client; AxesMiddleware then answers with
        # AXES_LOCKOUT_TEMPLATE even if the password was right.
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            auth.login(request, user)  # rotates the session key; starts the session clock
            log_login(actor=user, action=actions.LOGIN, detail="local")
            return redirect(_next_url(request))
        # The typed user name names the attempt; the password never reaches the audit.
        locked = getattr(request, "axes_locked_out", False)
        log_login(
            actor=Actor(None, f"anonymous ({request.POST.get('username', '')[:100]})"),
            action=actions.LOGIN_FAILED,
            detail="local, locked out" if locked else "local",
        )
    else:
        form = LoginForm(request)
    context = {
        "form": form,
        "next": _next_url(request),
        "local_login": local_login,
        "providers": oidc_config.enabled(),
        "timeout": sessions.Ended.IDLE.value in request.GET,
        "expired": sessions.Ended.EXPIRED.value in request.GET,
    }
    return render(request, "accounts/login.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        log_login(actor=request.user, action=actions.LOGOUT, detail="by the user")
    # Read before the session is flushed: a Feide/ID-porten login is logged out there too.
    at_provider = provider_logout_url(request.session)
    auth.logout(request)
    return redirect(at_provider or "accounts:login")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "7"}
        ),
    )


@sensitive_post_parameters("token")
@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.is_verified() or not needs_two_factor(user):
        return redirect(_next_url(request))
    device = two_factor.device_for(user)
    if device is None:
        return render(request, "accounts/two_factor_missing.html", {"username": user.username})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token refuses a code used before and throttles after failures (django-otp).
        if two_factor.verify(device, form.cleaned_data["token"].strip()):
            if not device.confirmed:
                two_factor.confirm(actor=user, device=device)
            otp_login(request, device)
            request.session.cycle_key()  # new privileges, new session key
            log_login(actor=user, action=actions.LOGIN, detail="two-factor")
            return redirect(_next_url(request))
        log_login(actor=user, action=actions.LOGIN_FAILED, detail="two-factor")
        form.add_error("token", _("The code was not accepted. Check the time on your phone."))
    context = {"form": form, "setup": not device.confirmed}
    return render(request, "accounts/two_factor.html", context)
