"""The de-identified dataset of a project: its variables (the codebook) and its rows.

Built in two passes over the facts (`facts.iter_facts`): the first keeps only integer codes of
the quasi-identifiers and chooses the generalisation levels (`anonymity`); the second renders
the rows at those levels, batch by batch. Identifiers are pseudonyms: the first 20 hex digits of
HMAC-SHA256 under the project's secret of "<kind>:<the record's random code in 32 hex digits>",
so they are stable within a project and unrelated between projects. No name, date of birth,
number, phone, address, case number, registry code or free text is ever read (see facts.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, CustodyEpisode, OffenceCategory
from komar.counselling.models import CareOption, ChildDecision, Factor, Stage
from komar.facilities.models import Facility, Province
from komar.research import anonymity, facts
from komar.research.ladders import LADDER, LADDERS, REGIONS, load_reference
from komar.research.models import ExportTable, ResearchProject

PSEUDONYM_HEX = 20


def pseudonym(secret: str, kind: str, code: str) -> str:
    digest = _keyed(secret).copy()
    digest.update(f"{kind}:{code}".encode())
    return digest.hexdigest()[:PSEUDONYM_HEX]


@functools.lru_cache(maxsize=16)
def _keyed(secret: str) -> hmac.HMAC:
    """The HMAC keyed once per project (copied for each pseudonym: the key is not re-hashed)."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


@dataclass(frozen=True)
class Definition:
    """What a researcher asks for; with the data of the day, it determines the file."""

    first_year: int | None = None
    last_year: int | None = None
    language: str = "en"  # of the labels in the files

    def as_filters(self) -> dict[str, Any]:
        return {
            "first_year": self.first_year,
            "last_year": self.last_year,
            "language": self.language,
        }

    @classmethod
    def from_filters(cls, filters: dict[str, Any]) -> Definition:
        return cls(
            first_year=filters.get("first_year") or None,
            last_year=filters.get("last_year") or None,
            language=filters.get("language") or "en",
        )


Label = str | Promise


@dataclass(frozen=True)
class Value:
    code: str
    label_en: str
    label_km: str

    def label(self, language: str) -> str:
        return self.label_km if language == "km" else self.label_en


@dataclass(frozen=True)
class Variable:
    name: str
    label: Label  # translated in English and Khmer for the codebook
    kind: str  # "id", "string", "numeric", "binary", "categorical"
    source: str
    values: tuple[Value, ...] = ()
    note: str = ""

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)

    @functools.cached_property
    def _index(self) -> dict[str, tuple[int, Value]]:
        return {v.code: (n, v) for n, v in enumerate(self.values, start=1)}

    def value_of(self, code: str) -> Value | None:
        found = self._index.get(code)
        return found[1] if found else None

    def number_of(self, code: str) -> int | None:
        """The value's number in SPSS and Stata (1, 2, ... in the codebook's order)."""
        found = self._index.get(code)
        return found[0] if found else None


def _choices(choices: list[tuple[str, Any]]) -> tuple[Value, ...]:
    out = []
    for code, label in choices:
        with translation.override("en"):
            en = str(label)
        with translation.override("km"):
            km = str(label)
        out.append(Value(code, en, km))
    return tuple(out)


def _lazy(label: Promise) -> tuple[str, str]:
    with translation.override("en"):
        en = str(label)
    with translation.override("km"):
        km = str(label)
    return en, km


YES_NO = _("0 no, 1 yes")


def _provinces() -> tuple[Value, ...]:
    rows = Province.objects.order_by("code").values_list("code", "name_en", "name_km")
    return tuple(Value(c, en, km) for c, en, km in rows)


def _level_values(name: str, level: int) -> tuple[str, tuple[Value, ...]]:
    """The kind and the value labels of a quasi-identifier at a level."""
    ladder = LADDER[name]
    if level == ladder.top:
        return "string", ()
    if name == "facility":
        if level == 0:
            places = Facility.objects.order_by("name_en").values_list("pk", "name_en", "name_km")
            return "categorical", tuple(Value(str(pk), en, km) for pk, en, km in places)
        if level == 1:
            return "categorical", _provinces()
        return "categorical", tuple(Value(r, *_lazy(lab)) for r, (lab, _p) in REGIONS.items())
    if name == "home_province":
        if level == 0:
            return "categorical", _provinces()
        return "categorical", tuple(Value(r, *_lazy(lab)) for r, (lab, _p) in REGIONS.items())
    if name == "offence":
        if level == 0:
            offences = OffenceCategory.objects.order_by("order", "code").values_list(
                "code", "label_en", "label_km"
            )
            return "categorical", tuple(Value(c, en, km) for c, en, km in offences)
        return "categorical", _choices(
            [("drug", _("Drug-related")), ("violent", _("Violent")), ("other", _("Other"))]
        )
    if name == "legal_status":
        if level == 0:
            return "categorical", _choices(
                [*CustodyEpisode.LegalStatus.choices, ("not_held", _("Not held that day"))]
            )
        return "categorical", _choices(
            [
                ("before_judgment", _("Before judgment")),
                ("judged", _("Tried or sentenced")),
                ("not_held", _("Not held that day")),
            ]
        )
    if name == "child_sex":
        return "categorical", _choices(list(Child.Sex.choices))
    if name == "child_age" and level == 0:
        return "numeric", ()
    return "string", ()


QI_LABELS: dict[str, Label] = {
    "event_month": _("Month of the session"),
    "child_age": _("Child's age at the session"),
    "child_sex": _("Child's sex"),
    "mother_age": _("Mother's age at the session (years)"),
    "facility": _("Facility at the session"),
    "home_province": _("Mother's home province"),
    "offence": _("Offence category"),
    "legal_status": _("Legal status at the session"),
}
QI_SOURCES = {
    "event_month": "counselling session: date",
    "child_age": "child: date of birth, session: date (completed months)",
    "child_sex": "child: sex",
    "mother_age": "woman: date of birth, session: date (completed years)",
    "facility": "session: facility, else her custody episode that day",
    "home_province": "woman: province",
    "offence": "custody episode that day: offence category",
    "legal_status": "custody episode that day: legal status (as recorded now)",
}


@dataclass
class Plan:
    """The first pass: who is in, the levels chosen, the k achieved, the variables."""

    project: ResearchProject
    definition: Definition
    on: dt.date
    ids: list[int]
    result: anonymity.Result
    factors: list[tuple[str, str, str, str]]  # code, group, label en, label km
    consent_hash: str
    variables: dict[str, list[Variable]] = field(default_factory=dict)
    ref: Any = None
    _labels: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def women(self) -> int:
        return len(self.ids)

    @property
    def usable(self) -> bool:
        return self.result.achieved

    def labels(self, table: str, language: str) -> list[tuple[int, dict[str, str]]]:
        """For each categorical column of the table: its index and its labels by code."""
        key = (table, language)
        if key not in self._labels:
            self._labels[key] = [
                (index, {v.code: v.label(language) for v in variable.values})
                for index, variable in enumerate(self.variables[table])
                if variable.kind == "categorical"
            ]
        return self._labels[key]

    def qi_value(self, fact: facts.DecisionFact, name: str) -> Any:
        return LADDER[name].value(fact, self.result.levels[name], self.ref)


def factor_variable(code: str) -> str:
    # Stata allows 32 characters, and one less for a variable with value labels.
    return f"f_{code.lower()}"[:28]


def _variables(plan: Plan) -> dict[str, list[Variable]]:
    levels = plan.result.levels

    def qi(name: str) -> Variable:
        kind, values = _level_values(name, levels[name])
        level_name = LADDER[name].level_names[levels[name]]
        return Variable(
            name, QI_LABELS[name], kind, QI_SOURCES[name], values, note=f"level: {level_name}"
        )

    factor_values = tuple(Value(c, en, km) for c, _g, en, km in plan.factors)
    woman_id = Variable(
        "woman_id", _("Pseudonymous id of the woman"), "id", "HMAC-SHA256(project key, woman)"
    )
    child_id = Variable(
        "child_id",
        _("Pseudonymous id of the child (empty: her unborn child)"),
        "id",
        "HMAC-SHA256(project key, child)",
    )
    decisions = [
        Variable(
            "decision_id",
            _("Pseudonymous id of the decision"),
            "id",
            "HMAC-SHA256(project key, decision)",
        ),
        woman_id,
        child_id,
        qi("event_month"),
        Variable(
            "stage",
            _("Stage of the session"),
            "categorical",
            "session: stage",
            _choices(list(Stage.choices)),
        ),
        Variable(
            "about_unborn", _("About her unborn child"), "binary", "session", note=str(YES_NO)
        ),
        qi("child_age"),
        qi("child_sex"),
        qi("mother_age"),
        qi("facility"),
        qi("home_province"),
        qi("offence"),
        qi("legal_status"),
        Variable(
            "decision",
            _("Decision for the child"),
            "categorical",
            "decision: decision",
            _choices(list(CareOption.choices)),
        ),
        Variable(
            "inside",
            _("The child stays inside with the mother"),
            "binary",
            "decision: decision = stays with the mother",
            note=str(YES_NO),
        ),
        Variable(
            "decided_by",
            _("Who decided"),
            "categorical",
            "decision: who decided",
            _choices(list(ChildDecision.DecidedBy.choices)),
        ),
        Variable(
            "preference",
            _("Her preference"),
            "categorical",
            "session: her preference",
            _choices(list(CareOption.choices)),
        ),
        Variable(
            "with_prison_staff", _("Prison staff took part"), "binary", "session", note=str(YES_NO)
        ),
        Variable("with_relatives", _("Relatives took part"), "binary", "session", note=str(YES_NO)),
        Variable("with_lawyer", _("A lawyer took part"), "binary", "session", note=str(YES_NO)),
        Variable(
            "with_interpreter", _("An interpreter took part"), "binary", "session", note=str(YES_NO)
        ),
        Variable("n_factors", _("Number of factors cited"), "numeric", "session: factors"),
    ]
    for code, _group, en, km in plan.factors:
        decisions.append(
            _FactorVariable(factor_variable(code), en, "binary", f"session: factor {code}", note=km)
        )
    decisions.append(
        Variable(
            "main_factor", _("Main factor"), "categorical", "session: main factor", factor_values
        )
    )
    women = [
        woman_id,
        Variable(
            "mother_age",
            _("Mother's age at her first decision in the data (years)"),
            qi("mother_age").kind,
            QI_SOURCES["mother_age"],
            note=qi("mother_age").note,
        ),
        qi("home_province"),
        Variable("n_children", _("Number of children with a decision"), "numeric", "decisions"),
        Variable("n_decisions", _("Number of decisions"), "numeric", "decisions"),
        Variable(
            "any_inside",
            _("At least one child stays inside"),
            "binary",
            "decisions",
            note=str(YES_NO),
        ),
    ]
    children = [
        child_id,
        woman_id,
        qi("child_sex"),
        Variable(
            "child_age",
            _("Child's age at the first decision"),
            qi("child_age").kind,
            QI_SOURCES["child_age"],
            note=qi("child_age").note,
        ),
        Variable("n_decisions", _("Number of decisions"), "numeric", "decisions"),
        Variable(
            "last_inside",
            _("The latest decision: stays inside"),
            "binary",
            "decisions",
            note=str(YES_NO),
        ),
    ]
    return {
        ExportTable.DECISIONS: decisions,
        ExportTable.WOMEN: women,
        ExportTable.CHILDREN: children,
    }


class _FactorVariable(Variable):
    """A factor's 0/1 variable: its labels are the factor's own (English; Khmer in `note`)."""

    def label_in(self, language: str) -> str:
        return self.note if language == "km" and self.note else str(self.label)


def load_factors() -> list[tuple[str, str, str, str]]:
    return list(
        Factor.objects.order_by("group", "order", "code").values_list(
            "code", "group", "label_en", "label_km"
        )
    )


def make_plan(project: ResearchProject, definition: Definition, on: dt.date) -> Plan:
    """The first pass: the consented women, the levels that give k, the variables."""
    ids = facts.women_ids(project, on, definition.first_year, definition.last_year)
    ref = load_reference()
    df = anonymity.frame_of(
        facts.iter_facts(project, on, definition.first_year, definition.last_year, ids), ref
    )
    result = anonymity.choose_levels(df, settings.KOMAR_RESEARCH_K)
    del df
    women = facts.Mother.objects.filter(pk__in=ids).values_list("code", flat=True)
    pseudonyms = sorted(
        pseudonym(project.secret, "woman", code.hex) for code in women.iterator(chunk_size=2000)
    )
    consent_hash = hashlib.sha256("\n".join(pseudonyms).encode()).hexdigest()
    plan = Plan(
        project=project,
        definition=definition,
        on=on,
        ids=ids,
        result=result,
        factors=load_factors(),
        consent_hash=consent_hash,
        ref=ref,
    )
    plan.variables = _variables(plan)
    return plan


Row = list[Any]


def _ids(plan: Plan, fact: facts.DecisionFact) -> tuple[str, str, str]:
    secret = plan.project.secret
    return (
        pseudonym(secret, "decision", fact.decision_code),
        pseudonym(secret, "woman", fact.mother_code),
        pseudonym(secret, "child", fact.child_code) if fact.child_code else "",
    )


def _decision_row(plan: Plan, fact: facts.DecisionFact) -> Row:
    decision_id, woman_id, child_id = _ids(plan, fact)
    child_age = None if fact.about_unborn else plan.qi_value(fact, "child_age")
    cited = set(fact.factors)
    row: Row = [
        decision_id,
        woman_id,
        child_id,
        plan.qi_value(fact, "event_month"),
        fact.stage,
        int(fact.about_unborn),
        child_age,
        plan.qi_value(fact, "child_sex"),
        plan.qi_value(fact, "mother_age"),
        _str(plan.qi_value(fact, "facility")),
        plan.qi_value(fact, "home_province"),
        plan.qi_value(fact, "offence"),
        plan.qi_value(fact, "legal_status"),
        fact.decision,
        int(fact.inside),
        fact.decided_by,
        fact.preference or None,
        int(fact.with_prison_staff),
        int(fact.with_relatives),
        int(fact.with_lawyer),
        int(fact.with_interpreter),
        len(fact.factors),
    ]
    row += [int(code in cited) for code, *_rest in plan.factors]
    row.append(fact.main_factor or None)
    return row


def _str(value: Any) -> Any:
    return str(value) if value is not None else None


def rows(plan: Plan, table: str) -> Iterator[Row]:
    """The second pass: the rows of one table, in a fixed order, batch by batch."""
    d = plan.definition
    if table == ExportTable.DECISIONS:
        for fact in facts.iter_facts(plan.project, plan.on, d.first_year, d.last_year, plan.ids):
            yield _decision_row(plan, fact)
        return
    for start in range(0, len(plan.ids), facts.BATCH):
        batch = facts.facts_for(plan.ids[start : start + facts.BATCH], d.first_year, d.last_year)
        if table == ExportTable.WOMEN:
            yield from _women_rows(plan, batch)
        else:
            yield from _children_rows(plan, batch)


def _women_rows(plan: Plan, batch: list[facts.DecisionFact]) -> Iterator[Row]:
    current: list[facts.DecisionFact] = []
    for fact in [*batch, None]:
        if current and (fact is None or fact.mother_id != current[0].mother_id):
            first = current[0]
            yield [
                pseudonym(plan.project.secret, "woman", first.mother_code),
                plan.qi_value(first, "mother_age"),
                plan.qi_value(first, "home_province"),
                len({f.child_code for f in current if f.child_code}),
                len(current),
                int(any(f.inside for f in current)),
            ]
            current = []
        if fact is not None:
            current.append(fact)


def _children_rows(plan: Plan, batch: list[facts.DecisionFact]) -> Iterator[Row]:
    by_child: dict[str, list[facts.DecisionFact]] = {}
    for fact in batch:
        if fact.child_code:
            by_child.setdefault(fact.child_code, []).append(fact)
    # The woman's order, then the child's pseudonym (stable, and says nothing of birth order).
    secret = plan.project.secret
    position: dict[int, int] = {}
    for fact in batch:
        position.setdefault(fact.mother_id, len(position))
    ordered = sorted(
        by_child.items(),
        key=lambda item: (position[item[1][0].mother_id], pseudonym(secret, "child", item[0])),
    )
    for child_code, decisions in ordered:
        first = decisions[0]
        yield [
            pseudonym(secret, "child", child_code),
            pseudonym(secret, "woman", first.mother_code),
            plan.qi_value(first, "child_sex"),
            plan.qi_value(first, "child_age"),
            len(decisions),
            int(decisions[-1].inside),
        ]


def labelled(plan: Plan, table: str, row: Row, language: str) -> Row:
    """A row with its categorical codes replaced by their labels (CSV and XLSX)."""
    out = list(row)
    for index, labels in plan.labels(table, language):
        value = out[index]
        if value is not None:
            out[index] = labels.get(str(value), value)
    return out


__all__ = ["LADDERS", "Definition", "Plan", "make_plan", "pseudonym", "rows"]
