from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the audit trail and the sign-in lockout (None if unknown).

    Behind reverse proxies (KOMAR_BEHIND_PROXY) every request comes from the last proxy, and
    each of the KOMAR_PROXY_COUNT proxies appends the address it received from to
    X-Forwarded-For: the client is that many entries from the end. Entries before it were sent
    by the client and cannot be trusted. An address that is not one (or a header shorter than
    the proxies) is stored as unknown rather than as typed.
    """
    if settings.KOMAR_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        count = max(settings.KOMAR_PROXY_COUNT, 1)
        if len(forwarded) < count or not forwarded[-count].strip():
            return None
        return _valid(forwarded[-count])
    return _valid(request.META.get("REMOTE_ADDR") or "")
