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
