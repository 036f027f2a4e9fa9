from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sammen.accounts import two_factor
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
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def login(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            auth.login(request, user)  # rotates the session key
            log_login(actor=user, action=actions.LOGIN, detail="local")
            return redirect(_next_url(request))
        log_login(
            actor=Actor(None, f"anonymous ({request.POST.get('username', '')[:100]})"),
            action=actions.LOGIN_FAILED,
            detail="local",
        )
    else:
        form = LoginForm(request)
    context = {"form": form, "next": _next_url(request), "timeout": "timeout" in request.GET}
    return render(request, "accounts/login.html", context)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        log_login(actor=request.user, action=actions.LOGOUT)
    auth.logout(request)
    return redirect("accounts:login")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "7"}
        ),
    )


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    device = two_factor.device_for(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(device, form.cleaned_data["token"].strip()):
            if not device.confirmed:
                two_factor.confirm(actor=user, device=device)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code was not accepted. Check the time on your phone."))
    context = {
        "form": form,
        "setup": not device.confirmed,
        "secret": two_factor.base32_key(device) if not device.confirmed else "",
        "otpauth": device.config_url if not device.confirmed else "",
    }
    return render(request, "accounts/two_factor.html", context)
