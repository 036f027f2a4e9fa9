"""Login through Feide and ID-porten: start, callback, and the provider's logout calls."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sammen.accounts.oidc import client, config, flow
from sammen.accounts.oidc.flow import LoginRefusedError, Refusal
from sammen.audit import actions
from sammen.audit.log import Actor, log_login

TEMPLATES = {
    Refusal.NOT_STAFF: "accounts/oidc_not_staff.html",
    Refusal.NOT_GUARDIAN: "accounts/oidc_not_guardian.html",
}
STATUS = {
    Refusal.FAILED: 400,
    Refusal.UNAVAILABLE: 503,
    Refusal.LEVEL: 403,
    Refusal.NOT_STAFF: 403,
    Refusal.NOT_GUARDIAN: 403,
}


def _provider(name: str) -> config.Provider:
    provider = config.get(name)
    if provider is None:
        raise Http404
    return provider


def _next_url(request: HttpRequest) -> str:
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refusal_page(
    request: HttpRequest, provider: config.Provider, refusal: LoginRefusedError
) -> HttpResponse:
    who = f"anonymous ({provider.audit_name}: {refusal.who})" if refusal.who else "anonymous"
    log_login(
        actor=Actor(None, who),
        action=actions.LOGIN_FAILED,
        detail=f"{provider.audit_name}: {refusal.reason}",
    )
    context = {"provider": provider, "kind": refusal.kind.value}
    template = TEMPLATES.get(refusal.kind, "accounts/oidc_failed.html")
    return render(request, template, context, status=STATUS[refusal.kind])


@never_cache
@require_GET
def start(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider(provider)
    try:
        url = flow.start(request, chosen, next_url=_next_url(request))
    except client.LoginError as exc:
        return _refusal_page(request, chosen, LoginRefusedError(Refusal.UNAVAILABLE, exc.reason))
    return redirect(url)


@never_cache
@require_GET
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider(provider)
    try:
        _, next_url = flow.complete(request, chosen, request.GET.dict())
    except LoginRefusedError as refusal:
        return _refusal_page(request, chosen, refusal)
    return redirect(next_url)


@never_cache
@require_GET
@xframe_options_exempt
def frontchannel_logout(request: HttpRequest, provider: str) -> HttpResponse:
    """OpenID Connect Front-Channel Logout 1.0: the provider's logout page loads this in a frame.

    The browser will not send Sammen's cookie into a third-party frame (SameSite=Lax), so the
    session is found by the provider's ``iss`` and ``sid``, which are required.
    """
    chosen = _provider(provider)
    iss, sid = request.GET.get("iss", ""), request.GET.get("sid", "")
    if iss != chosen.issuer or not sid:
        return HttpResponse(status=400)
    flow.end_sessions_for_provider_logout(chosen, sid=sid, sub=None, channel="front-channel")
    response = render(request, "accounts/oidc_logged_out.html", {"provider": chosen})
    parts = urlsplit(chosen.issuer)
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self'; frame-ancestors {parts.scheme}://{parts.netloc}"
    )
    return response


@csrf_exempt  # a server-to-server call, authenticated by the signed logout token
@never_cache
@require_POST
def backchannel_logout(request: HttpRequest, provider: str) -> HttpResponse:
    """OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token."""
    chosen = _provider(provider)
    try:
        claims = client.validate_logout_token(chosen, request.POST.get("logout_token", ""))
    except client.ProviderUnavailableError:
        return JsonResponse({"error": "temporarily_unavailable"}, status=503)
    except client.LoginError as exc:
        return JsonResponse(
            {"error": "invalid_request", "error_description": exc.reason}, status=400
        )
    flow.end_sessions_for_provider_logout(
        chosen, sid=claims.get("sid"), sub=claims.get("sub"), channel="back-channel"
    )
    return HttpResponse(status=200)
