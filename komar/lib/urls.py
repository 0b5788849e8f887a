"""Links to records by their code, for pages that link every row of a list.

`reverse()` walks the URL patterns on each call (about 30 µs): "My work" links some hundred
records, a file or a list a few dozen. `link()` reverses each view once, with a placeholder
code, and then builds each record's link by substitution: the URL that `reverse()` gives.
"""

from __future__ import annotations

import uuid

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse

# The nil UUID: no record has it, so it appears in the reversed pattern only where the code goes.
_PLACEHOLDER = uuid.UUID(int=0)
# (view name, script prefix, URL configuration) -> (the resolver it was reversed with, the
# URL before the code, the URL after it). A resolver replaced by clear_url_caches() (a test
# that overrides ROOT_URLCONF, say) makes its patterns stale.
_patterns: dict[tuple[str, str, str | None], tuple[URLResolver, str, str]] = {}


def link(viewname: str, code: uuid.UUID) -> str:
    """`reverse(viewname, kwargs={"code": code})` for a view whose only argument is a code."""
    urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    key = (viewname, get_script_prefix(), urlconf)
    cached = _patterns.get(key)
    if cached is None or cached[0] is not resolver:
        pattern = reverse(viewname, kwargs={"code": _PLACEHOLDER}, urlconf=urlconf)
        head, _, tail = pattern.partition(str(_PLACEHOLDER))
        cached = _patterns[key] = (resolver, head, tail)
    return f"{cached[1]}{code}{cached[2]}"
