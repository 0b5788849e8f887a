from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit trail.

    Behind a reverse proxy every request comes from the proxy, so with
    KOMAR_BEHIND_PROXY on, the address the proxy appended last to X-Forwarded-For is used; any
    earlier entries came from the client and cannot be trusted.
    """
    if settings.KOMAR_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None
