from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it.

    Behind a reverse proxy, set the proxy to overwrite REMOTE_ADDR (gunicorn's
    --forwarded-allow-ips) rather than trusting X-Forwarded-For from anyone.
    """
    return request.META.get("REMOTE_ADDR") or None
