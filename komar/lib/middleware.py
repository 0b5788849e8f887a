from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy: no inline scripts or styles, nothing external."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CSP_HEADER)
        return response


class SessionActivityMiddleware:
    """Keep the idle timeout without writing the session on every request.

    Django saves a session when it was modified (or on every request, which makes every read
    a write). Here a request marks it modified only when the last mark is older than
    `KOMAR_SESSION_TOUCH_SECONDS`, which saves it and pushes its expiry back. An idle session
    therefore ends between `SESSION_COOKIE_AGE` minus that interval and `SESSION_COOKIE_AGE`
    after the last request.
    """

    KEY = "_komar_active_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.KOMAR_SESSION_TOUCH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages for a signed-in user hold personal data: no browser or proxy keeps a copy
    (`Cache-Control: no-store`), and no page may use the camera, microphone or location
    (`Permissions-Policy`). Static files are served before this (WhiteNoise) and keep their
    long cache."""

    PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        return response


class SessionLifetimeMiddleware:
    """End a session `KOMAR_SESSION_MAX_HOURS` after sign-in, however active it was (the idle
    timeout alone would let a session left open on a shared office computer run for ever)."""

    KEY = "_komar_signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            started = session.get(self.KEY)
            if started is None:
                # Django stamps the sign-in on the account (`last_login`); kept in the session,
                # so a sign-in elsewhere later does not extend this one.
                last_login = getattr(user, "last_login", None)
                started = int(last_login.timestamp()) if last_login is not None else now
                session[self.KEY] = started
            if now - int(started) > settings.KOMAR_SESSION_MAX_HOURS * 3600:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
