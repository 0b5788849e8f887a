from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from komar.cases.sections import Section, TimelineEvent, WomanFile

FILE_SECTIONS: list[Section[WomanFile]] = []


def timeline(page: WomanFile) -> Iterable[TimelineEvent]:
    return ()


_unused: Any = None
