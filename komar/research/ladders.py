"""The quasi-identifiers of an export and their generalisation ladders.

Each ladder turns a fact's value into the value shown at a level: level 0 is the most precise,
the last level suppresses it (empty). `anonymity.choose_levels` climbs the ladders until every
combination of the shown values holds at least k women.

| quasi-identifier | 0 | 1 | 2 | 3 |
|---|---|---|---|---|
| event_month | month (YYYY-MM) | year | suppressed | |
| child_age | months at the event | 12-month band | under 2 / 2 and over | suppressed |
| child_sex | girl / boy | suppressed | | |
| mother_age | 5-year band | 10-year band | suppressed | |
| facility | facility | its province | its region | suppressed |
| home_province | province | region | suppressed | |
| offence | offence category | drug-related / violent / other | suppressed | |
| legal_status | status at the event | before judgment / judged / not held | suppressed | |

Regions: the five zones of the National Institute of Statistics (Cambodia Socio-Economic
Survey): Phnom Penh, Plain, Tonle Sap, Coastal, Plateau and Mountain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.research.facts import DecisionFact

REGIONS: dict[str, tuple[Promise, tuple[str, ...]]] = {
    "R_PP": (_("Phnom Penh"), ("PP",)),
    "R_PLAIN": (_("Plain region"), ("KCM", "KDL", "PVG", "SVR", "TKO", "TBK")),
    "R_TONLESAP": (
        _("Tonle Sap region"),
        ("BMC", "BTB", "KCH", "KTM", "PST", "SRP", "OMC", "PLN"),
    ),
    "R_COASTAL": (_("Coastal region"), ("KPT", "KEP", "KKG", "PSN")),
    "R_PLATEAU": (
        _("Plateau and mountain region"),
        ("KSP", "KRT", "MDK", "PVH", "RTK", "STG"),
    ),
}
REGION_OF = {province: region for region, (_l, ps) in REGIONS.items() for province in ps}

LEGAL_GROUPS = {
    "police_custody": "before_judgment",
    "pre_trial": "before_judgment",
    "awaiting_judgment": "judged",
    "sentenced": "judged",
    "released": "not_held",
    "not_held": "not_held",
}


@dataclass(frozen=True)
class Reference:
    """Reference data read once per export: codes of provinces, facilities, offences."""

    facility_province: dict[int, str]  # facility id -> province code
    province_code: dict[int, str]  # province id -> code
    offence_code: dict[int, str]  # offence category id -> code
    offence_group: dict[int, str]  # offence category id -> drug / violent / other


def load_reference() -> Reference:
    from komar.cases.models import OffenceCategory
    from komar.facilities.models import Facility, Province

    offences = list(
        OffenceCategory.objects.values_list("pk", "code", "is_drug_related", "is_violent")
    )
    return Reference(
        facility_province=dict(Facility.objects.values_list("pk", "province__code")),
        province_code=dict(Province.objects.values_list("pk", "code")),
        offence_code={pk: code for pk, code, _d, _v in offences},
        offence_group={
            pk: "drug" if drug else "violent" if violent else "other"
            for pk, _c, drug, violent in offences
        },
    )


Step = Callable[[Any, Reference], Any]


def _none(value: Any, ref: Reference) -> Any:
    return None


def _same(value: Any, ref: Reference) -> Any:
    return value


def _year(month: str | None, ref: Reference) -> str | None:
    return month[:4] if month else None


def _age_band_12(months: int | str | None, ref: Reference) -> int | str | None:
    if months is None or months == "unborn":
        return months
    band = min(int(months) // 12, 3)
    return ("0-11", "12-23", "24-35", "36+")[band]


def _age_band_24(months: int | str | None, ref: Reference) -> int | str | None:
    if months is None or months == "unborn":
        return months
    return "0-23" if int(months) < 24 else "24+"


def _five_years(years: int | None, ref: Reference) -> str | None:
    if years is None:
        return None
    low = years // 5 * 5
    return f"{low}-{low + 4}"


def _ten_years(years: int | None, ref: Reference) -> str | None:
    if years is None:
        return None
    low = years // 10 * 10
    return f"{low}-{low + 9}"


def _facility_province(facility_id: int | None, ref: Reference) -> str | None:
    return ref.facility_province.get(facility_id) if facility_id is not None else None


def _facility_region(facility_id: int | None, ref: Reference) -> str | None:
    province = _facility_province(facility_id, ref)
    return REGION_OF.get(province) if province else None


def _province(province_id: int | None, ref: Reference) -> str | None:
    return ref.province_code.get(province_id) if province_id is not None else None


def _region(province_id: int | None, ref: Reference) -> str | None:
    province = _province(province_id, ref)
    return REGION_OF.get(province) if province else None


def _offence(offence_id: int | None, ref: Reference) -> str | None:
    return ref.offence_code.get(offence_id) if offence_id is not None else None


def _offence_group(offence_id: int | None, ref: Reference) -> str | None:
    return ref.offence_group.get(offence_id) if offence_id is not None else None


def _legal_group(status: str | None, ref: Reference) -> str | None:
    return LEGAL_GROUPS.get(status) if status else None


@dataclass(frozen=True)
class Ladder:
    name: str
    raw: Callable[[DecisionFact], Any]  # the fact's own value (level 0's input)
    steps: tuple[Step, ...]  # one function per level; the last suppresses
    level_names: tuple[str, ...]

    @property
    def top(self) -> int:
        return len(self.steps) - 1

    def value(self, fact: DecisionFact, level: int, ref: Reference) -> Any:
        return self.steps[level](self.raw(fact), ref)


def _child_age(fact: DecisionFact) -> int | str | None:
    return "unborn" if fact.about_unborn else fact.child_age_months


LADDERS: tuple[Ladder, ...] = (
    Ladder(
        "event_month",
        lambda f: f"{f.held_on.year:04d}-{f.held_on.month:02d}",
        (_same, _year, _none),
        ("month", "year", "suppressed"),
    ),
    Ladder(
        "child_age",
        _child_age,
        (_same, _age_band_12, _age_band_24, _none),
        ("months", "12-month band", "under 2 / 2 and over", "suppressed"),
    ),
    Ladder(
        "child_sex",
        lambda f: f.child_sex or None,
        (_same, _none),
        ("sex", "suppressed"),
    ),
    Ladder(
        "mother_age",
        lambda f: f.mother_age_years,
        (_five_years, _ten_years, _none),
        ("5-year band", "10-year band", "suppressed"),
    ),
    Ladder(
        "facility",
        lambda f: f.facility_id,
        (_same, _facility_province, _facility_region, _none),
        ("facility", "province", "region", "suppressed"),
    ),
    Ladder(
        "home_province",
        lambda f: f.home_province_id,
        (_province, _region, _none),
        ("province", "region", "suppressed"),
    ),
    Ladder(
        "offence",
        lambda f: f.offence_id,
        (_offence, _offence_group, _none),
        ("offence category", "drug-related / violent / other", "suppressed"),
    ),
    Ladder(
        "legal_status",
        lambda f: f.legal_status,
        (_same, _legal_group, _none),
        ("legal status", "before judgment / judged / not held", "suppressed"),
    ),
)
LADDER = {ladder.name: ladder for ladder in LADDERS}
