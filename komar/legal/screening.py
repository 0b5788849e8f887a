"""The diversion screening's candidate measures: one named, versioned rule per measure.

A screening weighs, for a woman held before trial who is pregnant, breastfeeding or caring for
a child, the measures that could keep her out of prison (`Measure`). Each rule looks at the
facts of her file (`ScreeningFacts`: her legal case, her children, what the screening asked)
and answers that the measure applies, does not apply, or that it cannot tell from what is
recorded, with the facts it used and the legal basis. The answers are stored on the screening
(`Screening.candidates`) in no language, the way flags store their facts, so that a screening
reads the same later, in Khmer or English, whatever the rules have become.

Changing a rule's logic means bumping its version. The rules only inform the legal officer:
she chooses the measures to pursue, and says why.

Sources: the Code of Criminal Procedure 2007 (arts. 47-48 and 304, immediate appearance;
arts. 203-205, liberty is the rule and the reasons for pre-trial detention; judicial
supervision), the Criminal Code 2009 (suspended sentences, community service), the Bangkok
Rules 57-64, the Tokyo Rules 2.3, 5, 6, 8.2 and 9, and the Ministry of Justice guideline on
pregnancy and young children (domain.md 3.5). Article numbers the sources in reach do not state
are not cited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from komar.cases.models import Child, CustodyEpisode, Mother, Placement
from komar.legal.eligibility import CHILD_AGE_YEARS, SCREENED_STATUSES, is_eligible
from komar.legal.models import (
    NO_ALTERNATIVE_CARE,
    CareArrangement,
    DetentionGround,
    DetentionOrder,
    LegalCase,
    LegalLimit,
    Measure,
    OffenceClass,
    Screening,
    SupervisionObligation,
)
from komar.lib.dates import add_months, age_in_months
from komar.lib.rules import Facts, FactValue, Msg, Text, shown, store_facts


class Verdict(models.TextChoices):
    APPLIES = "applies", _("Applies")
    DOES_NOT_APPLY = "does_not_apply", _("Does not apply")
    CANNOT_TELL = "cannot_tell", _("Cannot tell from the file")


# How each verdict is shown (a class of `.flag`).
VERDICT_LEVELS = {
    Verdict.APPLIES: "info",
    Verdict.CANNOT_TELL: "warning",
    Verdict.DOES_NOT_APPLY: "none",
}

YES, NO, UNKNOWN = Screening.Answer.YES, Screening.Answer.NO, Screening.Answer.UNKNOWN
NOT_RECORDED = Msg(_("Not recorded"))


@dataclass(frozen=True)
class ChildFacts:
    """One of her children under 18, as the registry records them."""

    name: str
    born: dt.date
    age_months: int
    lives: str  # a `Placement.Kind`, or "" when never recorded
    carer: str
    code: str = ""
    # Who would care for her if her mother stays detained (the screening's answer): a
    # `CareArrangement`, or "" when the screening does not say.
    care_if_detained: str = ""

    @property
    def inside(self) -> bool:
        return self.lives == Placement.Kind.WITH_MOTHER

    @property
    def has_no_alternative_care(self) -> bool:
        return self.care_if_detained in NO_ALTERNATIVE_CARE


@dataclass(frozen=True)
class ScreeningFacts:
    """What the candidate rules read: her file as it stands, and the screening's answers."""

    today: dt.date
    legal_status: str = ""
    offence_class: str = ""  # from her legal case; "" when not recorded
    violent: bool | None = None
    violence_from: str = ""  # "case" (her legal case), "category" (the offence's category)
    drug_related: bool | None = None  # from the offence category
    investigating_judge: bool = False  # one is recorded on her legal case
    detention_allowed: bool | None = None  # for the class of offence (`LegalLimit`)
    judgment: str = ""
    prison_months: int | None = None
    first_offence: str = Mother.FirstOffence.UNKNOWN
    pregnant: bool = False
    breastfeeding: bool = False
    children: tuple[ChildFacts, ...] = ()
    grounds: tuple[str, ...] = ()
    stable_address: str = UNKNOWN
    guarantor: str = UNKNOWN
    drug_treatment_need: str = UNKNOWN
    obligations: tuple[str, ...] = ()  # `SupervisionObligation` codes she can meet
    obligations_note: str = ""
    care_note: str = ""

    @property
    def held_before_trial(self) -> bool:
        return self.legal_status in SCREENED_STATUSES

    @property
    def sentenced(self) -> bool:
        return self.legal_status == CustodyEpisode.LegalStatus.SENTENCED


@dataclass(frozen=True)
class Judged:
    verdict: Verdict
    because: str | Promise  # one sentence, an English msgid
    facts: Facts


@dataclass(frozen=True)
class MeasureRule:
    code: str
    version: int
    measure: Measure
    basis: str | Promise
    judge: Callable[[ScreeningFacts], Judged] = field(repr=False, compare=False)

    @property
    def title(self) -> str:
        return str(self.measure.label)


MEASURE_RULES: list[MeasureRule] = []


def measure_rule(
    code: str, *, version: int, measure: Measure, basis: str | Promise
) -> Callable[[Callable[[ScreeningFacts], Judged]], Callable[[ScreeningFacts], Judged]]:
    def register(judge: Callable[[ScreeningFacts], Judged]) -> Callable[[ScreeningFacts], Judged]:
        if any(r.code == code for r in MEASURE_RULES):
            raise ValueError(f"two measure rules share the code {code!r}")
        MEASURE_RULES.append(MeasureRule(code, version, measure, basis, judge))
        return judge

    return register


def measure_rule_by_code(code: str) -> MeasureRule | None:
    return next((r for r in MEASURE_RULES if r.code == code), None)


# Facts as the rules show them.


def _answer(value: str) -> Msg:
    return Msg(Screening.Answer(value).label if value in Screening.Answer.values else value)


def _yes_no(value: bool) -> Msg:
    return Msg(_("Yes") if value else _("No"))


def _status(f: ScreeningFacts) -> FactValue:
    if f.legal_status in CustodyEpisode.LegalStatus.values:
        return Msg(CustodyEpisode.LegalStatus(f.legal_status).label)
    return NOT_RECORDED


def _class(f: ScreeningFacts) -> FactValue:
    return Msg(OffenceClass(f.offence_class).label) if f.offence_class else NOT_RECORDED


def _violence(f: ScreeningFacts) -> Facts:
    if f.violent is None:
        return {_("Violent offence"): NOT_RECORDED}
    source = _("her legal case") if f.violence_from == "case" else _("the category of the offence")
    return {_("Violent offence"): _yes_no(f.violent), _("Violence, as recorded in"): Msg(source)}


def _grounds(f: ScreeningFacts) -> FactValue:
    labels = [Msg(DetentionGround(g).label) for g in f.grounds if g in DetentionGround.values]
    return labels or Msg(_("None claimed"))


def _text(value: str) -> FactValue:
    return Text(value) if value.strip() else NOT_RECORDED


def _caring(f: ScreeningFacts) -> Facts:
    """Her caring responsibilities, from the registry."""
    facts: Facts = {_("Children under 18"): len(f.children)}
    if f.children:
        youngest = max(f.children, key=lambda c: c.born)
        facts[_("Youngest child's date of birth")] = youngest.born
        facts[_("Children living inside with her")] = sum(1 for c in f.children if c.inside)
    if f.pregnant:
        facts[_("Pregnant")] = _yes_no(True)
    if f.breastfeeding:
        facts[_("Breastfeeding")] = _yes_no(True)
    return facts


NOT_BEFORE_TRIAL = _("She is no longer held before trial: this measure is for that stage.")
JUDGMENT_GIVEN = _("A judgment is recorded: this measure is asked for before it.")


# The rules, in the order of `Measure`.


@measure_rule(
    "measure_release",
    version=2,
    measure=Measure.RELEASE,
    basis=_(
        "Code of Criminal Procedure 2007, arts. 203-205: liberty is the rule and pre-trial "
        "detention needs one of the reasons of art. 205; Tokyo Rule 6 (pre-trial detention as "
        "a last resort); Bangkok Rules 57 and 58; Ministry of Justice guideline on pregnancy "
        "and young children."
    ),
)
def release(f: ScreeningFacts) -> Judged:
    if not f.held_before_trial:
        return Judged(Verdict.DOES_NOT_APPLY, NOT_BEFORE_TRIAL, {_("Legal status"): _status(f)})
    if f.detention_allowed is False:
        return Judged(
            Verdict.APPLIES,
            _("The law allows no pre-trial detention for this class of offence."),
            {_("Class of offence"): _class(f), **_caring(f), **_no_alternative_care(f)},
        )
    if f.grounds:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _(
                "Reasons for detention are claimed: release with obligations answers them "
                "(see release under judicial supervision)."
            ),
            {
                _("Reasons for detention claimed"): _grounds(f),
                **_caring(f),
                **_no_alternative_care(f),
            },
        )
    if f.violent:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _(
                "A violent offence: the court weighs the danger before a release without "
                "conditions."
            ),
            {
                **_violence(f),
                _("Reasons for detention claimed"): _grounds(f),
                **_no_alternative_care(f),
            },
        )
    if f.violent is None:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Record on her legal case whether the offence was violent."),
            {
                **_violence(f),
                _("Reasons for detention claimed"): _grounds(f),
                **_no_alternative_care(f),
            },
        )
    return Judged(
        Verdict.APPLIES,
        _(
            "No reason for detention is claimed and the offence was not violent: liberty is "
            "the rule."
        ),
        {
            _("Reasons for detention claimed"): _grounds(f),
            **_violence(f),
            **_caring(f),
            **_no_alternative_care(f),
        },
    )


def _no_alternative_care(f: ScreeningFacts) -> Facts:
    """Her children who would have no suitable care if she stays detained (no one identified,
    an institution, not known): the Ministry of Justice's guideline asks the investigating
    judge to avoid pre-trial detention then. Named in the reasons, so the court hears of them."""
    names = [c.name for c in f.children if c.has_no_alternative_care]
    if not names:
        return {}
    return {_("Children with no alternative care if she stays detained"): Text(", ".join(names))}


def _obligations(codes: Sequence[str]) -> FactValue:
    labels = [
        Msg(SupervisionObligation(c).label) for c in codes if c in SupervisionObligation.values
    ]
    return labels or NOT_RECORDED


# An obligation that needs a fact of her situation: keeping to a fixed address needs one, bail
# a guarantor (or the means) to stand for it.
OBLIGATION_NEEDS: dict[str, str] = {
    SupervisionObligation.KEEP_RESIDENCE: "stable_address",
    SupervisionObligation.STAY_IN_AREA: "stable_address",
    SupervisionObligation.BAIL: "guarantor",
}


def _obligations_unfit(f: ScreeningFacts) -> list[str]:
    """The obligations chosen that what the screening recorded contradicts."""
    return [
        code
        for code in f.obligations
        if code in OBLIGATION_NEEDS and getattr(f, OBLIGATION_NEEDS[code]) == NO
    ]


def _obligations_fit(f: ScreeningFacts) -> Facts:
    """How the obligations chosen fit her situation, and the one her situation suggests."""
    facts: Facts = {}
    chosen = set(f.obligations)
    if SupervisionObligation.TREATMENT in chosen and f.drug_treatment_need == YES:
        facts[_("Treatment as an obligation")] = Msg(_("Fits her need for drug treatment"))
    elif f.drug_treatment_need == YES:
        facts[_("An obligation to consider")] = Msg(SupervisionObligation.TREATMENT.label)
    if SupervisionObligation.BAIL in chosen and f.guarantor == YES:
        facts[_("Bail")] = Msg(_("A guarantor is recorded"))
    if f.obligations_note.strip():
        facts[_("Other conditions or details")] = Text(f.obligations_note.strip())
    return facts


@measure_rule(
    "measure_judicial_supervision",
    version=2,
    measure=Measure.JUDICIAL_SUPERVISION,
    basis=_(
        "Code of Criminal Procedure 2007, arts. 203-205 and the obligations of judicial "
        "supervision (art. 223 of the English translation: to verify against the Khmer text): "
        "the investigating judge releases the charged person under obligations she can meet; "
        "Tokyo Rules 6.2 and 8.2; Bangkok Rules 57, 58 and 64; Ministry of Justice guideline on "
        "pregnancy and young children."
    ),
)
def judicial_supervision(f: ScreeningFacts) -> Judged:
    if not f.held_before_trial:
        return Judged(Verdict.DOES_NOT_APPLY, NOT_BEFORE_TRIAL, {_("Legal status"): _status(f)})
    if f.detention_allowed is False:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("The law allows no pre-trial detention for this class of offence: ask for release."),
            {_("Class of offence"): _class(f)},
        )
    address: Facts = {
        _("A stable address"): _answer(f.stable_address),
        _("A guarantor"): _answer(f.guarantor),
    }
    if f.violent:
        return Judged(
            Verdict.CANNOT_TELL,
            _(
                "A violent offence: the court weighs the danger and the children's interests "
                "(Bangkok Rule 64). Judge it on the facts of the case."
            ),
            {**_violence(f), **address, **_caring(f), **_no_alternative_care(f)},
        )
    if f.stable_address == NO and f.guarantor == NO:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _(
                "No stable address and no guarantor: she could not meet the usual obligations "
                "(to live at a set address, to answer summons). Look for either first."
            ),
            {**address, **_no_alternative_care(f)},
        )
    unfit = _obligations_unfit(f)
    if unfit:
        return Judged(
            Verdict.CANNOT_TELL,
            _(
                "Some obligations chosen need what the screening records she lacks (a fixed "
                "address, a guarantor): choose others, or record how she can meet them."
            ),
            {
                **address,
                _("Obligations she can meet"): _obligations(f.obligations),
                _("Obligations that do not fit"): _obligations(unfit),
                **_no_alternative_care(f),
            },
        )
    if f.stable_address == YES and f.obligations:
        return Judged(
            Verdict.APPLIES,
            _("She has a stable address and obligations of judicial supervision she can meet."),
            {
                **address,
                _("Obligations she can meet"): _obligations(f.obligations),
                **_obligations_fit(f),
                _("Reasons for detention claimed"): _grounds(f),
                **_caring(f),
                **_no_alternative_care(f),
            },
        )
    return Judged(
        Verdict.CANNOT_TELL,
        _("Record whether she has a stable address and the obligations she can meet."),
        {
            **address,
            _("Obligations she can meet"): _obligations(f.obligations),
            **_no_alternative_care(f),
        },
    )


@measure_rule(
    "measure_immediate_appearance",
    version=1,
    measure=Measure.IMMEDIATE_APPEARANCE,
    basis=_(
        "Code of Criminal Procedure 2007, arts. 47 and 48 (immediate appearance, for a "
        "misdemeanour: to verify against the Khmer text) and art. 304 (judgment within two "
        "weeks, or the detention ends); Tokyo Rule 5 (diversion for minor cases)."
    ),
)
def immediate_appearance(f: ScreeningFacts) -> Judged:
    if not f.held_before_trial:
        return Judged(Verdict.DOES_NOT_APPLY, NOT_BEFORE_TRIAL, {_("Legal status"): _status(f)})
    if f.investigating_judge:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("An investigating judge has the case: it goes through the judicial investigation."),
            {_("Investigating judge"): Msg(_("Recorded"))},
        )
    if f.offence_class == OffenceClass.FELONY:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("A felony: immediate appearance is for a misdemeanour."),
            {_("Class of offence"): _class(f)},
        )
    if f.offence_class == OffenceClass.PETTY:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("A petty offence allows no detention: ask for release."),
            {_("Class of offence"): _class(f)},
        )
    if f.offence_class == OffenceClass.MISDEMEANOUR:
        return Judged(
            Verdict.APPLIES,
            _(
                "A misdemeanour and no investigating judge recorded: the prosecutor may bring "
                "her before the court at once, to be judged within two weeks."
            ),
            {
                _("Class of offence"): _class(f),
                _("Investigating judge"): NOT_RECORDED,
                _("Legal status"): _status(f),
            },
        )
    return Judged(
        Verdict.CANNOT_TELL,
        _("Record the class of the offence on her legal case."),
        {_("Class of offence"): NOT_RECORDED},
    )


def _sentence_facts(f: ScreeningFacts) -> Facts:
    return {
        _("Class of offence"): _class(f),
        **_violence(f),
        _("First offence"): Msg(Mother.FirstOffence(f.first_offence).label),
        **_caring(f),
    }


def _judgment(f: ScreeningFacts) -> Judged | None:
    if not f.judgment and not f.sentenced:
        return None
    facts: Facts = {_("Legal status"): _status(f)}
    if f.judgment:
        facts[_("Judgment")] = Msg(LegalCase.Judgment(f.judgment).label)
    return Judged(Verdict.DOES_NOT_APPLY, JUDGMENT_GIVEN, facts)


@measure_rule(
    "measure_suspended_sentence",
    version=1,
    measure=Measure.SUSPENDED_SENTENCE,
    basis=_(
        "Criminal Code 2009 (suspended sentence); Tokyo Rule 8.2; Bangkok Rule 61 (no "
        "criminal history and her caring responsibilities as mitigating factors) and Bangkok "
        "Rule 64 (non-custodial sentences preferred for pregnant women and women with "
        "dependent children)."
    ),
)
def suspended_sentence(f: ScreeningFacts) -> Judged:
    given = _judgment(f)
    if given is not None:
        return given
    if f.violent:
        return Judged(
            Verdict.CANNOT_TELL,
            _("A violent offence: the court weighs the danger (Bangkok Rule 64)."),
            _sentence_facts(f),
        )
    if f.first_offence == Mother.FirstOffence.NO:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Previous convictions: check whether they bar a suspended sentence."),
            _sentence_facts(f),
        )
    if f.first_offence == Mother.FirstOffence.UNKNOWN or f.violent is None:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Record whether this is her first offence and whether it was violent."),
            _sentence_facts(f),
        )
    return Judged(
        Verdict.APPLIES,
        _("A first offence, not violent: ask for a suspended sentence if she is convicted."),
        _sentence_facts(f),
    )


@measure_rule(
    "measure_community_service",
    version=1,
    measure=Measure.COMMUNITY_SERVICE,
    basis=_(
        "Criminal Code 2009 (community service in place of imprisonment for a misdemeanour, "
        "with the consent of the accused: to verify against the Khmer text); Tokyo Rule 8.2; "
        "Bangkok Rules 57 and 64."
    ),
)
def community_service(f: ScreeningFacts) -> Judged:
    given = _judgment(f)
    if given is not None:
        return given
    if f.offence_class == OffenceClass.FELONY:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("A felony: community service replaces imprisonment for a misdemeanour."),
            {_("Class of offence"): _class(f)},
        )
    if not f.offence_class:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Record the class of the offence on her legal case."),
            {_("Class of offence"): NOT_RECORDED},
        )
    if f.violent:
        return Judged(
            Verdict.CANNOT_TELL,
            _("A violent offence: the court weighs the danger (Bangkok Rule 64)."),
            _sentence_facts(f),
        )
    return Judged(
        Verdict.APPLIES,
        _("Not a felony: the court may order community service instead of prison, if she agrees."),
        _sentence_facts(f),
    )


def _post_sentence(f: ScreeningFacts) -> Judged | None:
    """Early release and pardon come after a sentence."""
    if f.legal_status == CustodyEpisode.LegalStatus.AWAITING_JUDGMENT:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Tried and awaiting the final judgment: this can be asked for once it is final."),
            {_("Legal status"): _status(f)},
        )
    if not f.sentenced:
        return Judged(
            Verdict.DOES_NOT_APPLY,
            _("She has not been sentenced: this measure comes after a sentence."),
            {_("Legal status"): _status(f)},
        )
    return None


@measure_rule(
    "measure_early_release",
    version=1,
    measure=Measure.EARLY_RELEASE,
    basis=_(
        "Conditional release of the sentenced (Code of Criminal Procedure 2007 and Law on "
        "Prisons 2011: the article to verify); Bangkok Rule 63 (decisions on early release "
        "weigh caretaking responsibilities); Tokyo Rule 9."
    ),
)
def early_release(f: ScreeningFacts) -> Judged:
    before = _post_sentence(f)
    if before is not None:
        return before
    if f.prison_months is None:
        return Judged(
            Verdict.CANNOT_TELL,
            _("Record the prison term of the judgment on her legal case."),
            {_("Legal status"): _status(f), _("Prison term, months"): NOT_RECORDED},
        )
    return Judged(
        Verdict.APPLIES,
        _("Sentenced to prison: early or conditional release weighs her caring responsibilities."),
        {_("Legal status"): _status(f), _("Prison term, months"): f.prison_months, **_caring(f)},
    )


@measure_rule(
    "measure_pardon",
    version=1,
    measure=Measure.PARDON,
    basis=_(
        "The royal pardon and reduction of sentence (Law on Prisons 2011, chapter 8); Tokyo "
        "Rule 9; Bangkok Rule 63."
    ),
)
def pardon(f: ScreeningFacts) -> Judged:
    before = _post_sentence(f)
    if before is not None:
        return before
    return Judged(
        Verdict.APPLIES,
        _("Sentenced: a pardon or a reduction of sentence can be asked for, with her children."),
        {_("Legal status"): _status(f), **_caring(f)},
    )


@measure_rule(
    "measure_drug_treatment",
    version=1,
    measure=Measure.DRUG_TREATMENT,
    basis=_(
        "Bangkok Rule 62 (women's drug treatment in the community, also as a diversion or an "
        "alternative sentence) and Bangkok Rule 60; Tokyo Rule 2.3."
    ),
)
def drug_treatment(f: ScreeningFacts) -> Judged:
    offence: Facts = {}
    if f.drug_related is not None:
        offence[_("Drug-related offence")] = _yes_no(f.drug_related)
    need = {_("Needs drug treatment"): _answer(f.drug_treatment_need), **offence}
    if f.drug_treatment_need == YES:
        return Judged(
            Verdict.APPLIES,
            _("She needs drug treatment: treatment in the community can go with a measure."),
            need,
        )
    if f.drug_treatment_need == NO:
        return Judged(Verdict.DOES_NOT_APPLY, _("She does not need drug treatment."), need)
    return Judged(Verdict.CANNOT_TELL, _("Ask her whether she needs drug treatment."), need)


# Judging, storing and showing the candidates.


def judge(facts: ScreeningFacts) -> list[dict[str, Any]]:
    """Every measure rule on these facts, as stored on the screening (no language)."""
    judged = []
    with translation.override(None):
        for r in MEASURE_RULES:
            answer = r.judge(facts)
            judged.append(
                {
                    "measure": str(r.measure.value),
                    "rule": r.code,
                    "version": r.version,
                    "verdict": str(answer.verdict.value),
                    "because": str(answer.because),
                    "reasons": store_facts(answer.facts),
                    "basis": str(r.basis),
                    "judged_on": facts.today.isoformat(),
                }
            )
    return judged


@dataclass(frozen=True)
class Candidate:
    """A stored candidate, in the reader's language."""

    measure: str
    title: str
    rule: str
    version: int
    verdict: str
    verdict_label: str
    because: str
    reasons: list[tuple[str, str]]
    basis: str
    judged_on: dt.date | None

    @property
    def level(self) -> str:
        return VERDICT_LEVELS.get(Verdict(self.verdict), "none")

    @property
    def applies(self) -> bool:
        return self.verdict == Verdict.APPLIES


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def candidates(stored: Sequence[Mapping[str, Any]]) -> list[Candidate]:
    shown_candidates = []
    for c in stored:
        judged_on = c.get("judged_on")
        shown_candidates.append(
            Candidate(
                measure=c["measure"],
                title=_label(Measure, c["measure"]),
                rule=c["rule"],
                version=c["version"],
                verdict=c["verdict"],
                verdict_label=_label(Verdict, c["verdict"]),
                because=gettext(c["because"]) if c.get("because") else "",
                reasons=shown(c.get("reasons", [])),
                basis=gettext(c["basis"]) if c.get("basis") else "",
                judged_on=dt.date.fromisoformat(judged_on) if judged_on else None,
            )
        )
    return shown_candidates


# Applies first, then what the file cannot tell, then what does not apply.
VERDICT_ORDER = [Verdict.APPLIES, Verdict.CANNOT_TELL, Verdict.DOES_NOT_APPLY]


def sorted_candidates(stored: Sequence[Mapping[str, Any]]) -> list[Candidate]:
    shown_candidates = candidates(stored)
    return sorted(shown_candidates, key=lambda c: VERDICT_ORDER.index(Verdict(c.verdict)))


def chosen_labels(chosen: Sequence[str]) -> list[str]:
    return [_label(Measure, m) for m in chosen]


# Her file as the screening sees it.


@dataclass
class Recorded:
    """What her file records that a screening uses: her custody, her legal case, her
    children. Read once, for the screening page and for the rules."""

    mother: Mother
    today: dt.date
    episode: CustodyEpisode | None = None
    legal_case: LegalCase | None = None
    detention_allowed: bool | None = None
    order_grounds: list[str] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)  # under 18, youngest first

    @classmethod
    def of(cls, mother: Mother, today: dt.date) -> Recorded:
        recorded = cls(mother=mother, today=today)
        if mother.latest_episode_id is not None:
            recorded.episode = (
                CustodyEpisode.objects.select_related("offence_category", "facility")
                .filter(pk=mother.latest_episode_id)
                .first()
            )
        if recorded.episode is not None:
            recorded.legal_case = LegalCase.objects.filter(episode=recorded.episode).first()
        case = recorded.legal_case
        if case is not None and case.offence_class:
            limit = LegalLimit.objects.filter(offence_class=case.offence_class).first()
            recorded.detention_allowed = limit.detention_allowed if limit else None
        if case is not None:
            order = (
                DetentionOrder.objects.filter(legal_case=case)
                .order_by("-ordered_on", "-pk")
                .first()
            )
            recorded.order_grounds = list(order.grounds) if order else []
        recorded.children = screened_children(mother, today)
        return recorded

    @property
    def category(self) -> Any:
        return self.episode.offence_category if self.episode is not None else None

    @property
    def violence(self) -> tuple[bool | None, str]:
        """Violent or not, and where that is recorded: her legal case says; else the offence's
        category, when it is violent by nature (or, for drugs, by nature not)."""
        case, category = self.legal_case, self.category
        if case is not None and case.is_violent is not None:
            return case.is_violent, "case"
        if category is not None and category.is_violent:
            return True, "category"
        if category is not None and category.is_drug_related:
            return False, "category"
        return None, ""

    def violence_label(self) -> str:
        violent, source = self.violence
        if violent is None:
            return ""
        where = (
            gettext("her legal case")
            if source == "case"
            else gettext("the category of the offence")
        )
        answer = gettext("Yes") if violent else gettext("No")
        return gettext("%(answer)s (as recorded in %(where)s)") % {"answer": answer, "where": where}

    @property
    def is_eligible(self) -> bool:
        return is_eligible(self.mother, self.today)

    def missing(self) -> list[str]:
        """What a lawyer needs and the file does not record (for the screening page)."""
        gaps = []
        if self.category is None:
            gaps.append(gettext("the category of the offence (her custody details)"))
        if self.legal_case is None or not self.legal_case.offence_class:
            gaps.append(gettext("the class of the offence (her legal case)"))
        if self.violence[0] is None:
            gaps.append(gettext("whether the offence was violent (her legal case)"))
        if self.mother.first_offence == Mother.FirstOffence.UNKNOWN:
            gaps.append(gettext("whether this is her first offence (her details)"))
        return gaps

    def child_facts(self, care: Sequence[Mapping[str, Any]] = ()) -> tuple[ChildFacts, ...]:
        """Her children, with who would care for each if she stays detained (`care`, the
        screening's rows)."""
        arrangements = {str(row.get("child")): row.get("arrangement") or "" for row in care}
        facts = []
        for child in self.children:
            placement = child.current_placement
            facts.append(
                ChildFacts(
                    name=child.display_name,
                    born=child.date_of_birth,
                    age_months=age_in_months(child.date_of_birth, self.today),
                    lives=placement.kind if placement is not None else "",
                    carer=placement.carer_name if placement is not None else "",
                    code=str(child.code),
                    care_if_detained=arrangements.get(str(child.code), ""),
                )
            )
        return tuple(facts)

    def facts(self, answers: Mapping[str, Any]) -> ScreeningFacts:
        """The facts of the rules: the file, and the screening's answers (`answers` holds the
        screening's fields, as a form's cleaned data or a screening's values)."""
        case, category = self.legal_case, self.category
        violent, source = self.violence
        episode = self.episode
        open_episode = episode is not None and episode.ended_on is None
        return ScreeningFacts(
            today=self.today,
            legal_status=episode.legal_status if open_episode and episode else "",
            offence_class=case.offence_class if case is not None else "",
            violent=violent,
            violence_from=source,
            drug_related=category.is_drug_related if category is not None else None,
            investigating_judge=bool(case is not None and case.investigating_judge.strip()),
            detention_allowed=self.detention_allowed,
            judgment=case.judgment if case is not None else "",
            prison_months=case.prison_months if case is not None else None,
            first_offence=self.mother.first_offence or Mother.FirstOffence.UNKNOWN,
            pregnant=self.mother.is_pregnant,
            breastfeeding=self.mother.is_breastfeeding,
            children=self.child_facts(answers.get("care") or ()),
            grounds=tuple(answers.get("grounds_claimed") or ()),
            stable_address=answers.get("stable_address") or UNKNOWN,
            guarantor=answers.get("guarantor") or UNKNOWN,
            drug_treatment_need=answers.get("drug_treatment_need") or UNKNOWN,
            obligations=tuple(answers.get("obligations") or ()),
            obligations_note=answers.get("obligations_note") or "",
            care_note=answers.get("care_note") or "",
        )


def screened_children(mother: Mother, today: dt.date) -> list[Child]:
    """Her children under 18, youngest first, with where each lives now (one query)."""
    born_after = add_months(today, -12 * CHILD_AGE_YEARS)
    return list(
        Child.objects.filter(mother=mother, date_of_birth__gt=born_after)
        .select_related("current_placement__facility")
        .order_by("-date_of_birth", "pk")
    )


def care_rows(
    care: Sequence[Mapping[str, Any]], children: Sequence[Child]
) -> list[tuple[Child, str, str, str]]:
    """The screening's care rows with their child, in the reader's language: (child, who would
    care, the carer's name, the note), for the children in `children` that have a row."""
    by_code = {str(c.code): c for c in children}
    rows = []
    for row in care:
        child = by_code.get(str(row.get("child")))
        if child is None:
            continue
        arrangement = row.get("arrangement") or ""
        rows.append(
            (
                child,
                _label(CareArrangement, arrangement) if arrangement else "",
                str(row.get("carer_name") or ""),
                str(row.get("note") or ""),
            )
        )
    return rows


def not_eligible_reasons(mother: Mother, today: dt.date) -> list[str]:
    """Why she cannot be screened now (the conditions of `eligibility.eligible`)."""
    reasons = []
    if mother.is_closed:
        reasons.append(gettext("Her case is closed."))
    episode = mother.latest_episode
    if episode is None or episode.ended_on is not None:
        reasons.append(gettext("She is not in custody now."))
    elif mother.legal_status not in SCREENED_STATUSES:
        reasons.append(
            gettext(
                "Her legal status is “%(status)s”: a screening is for police custody or "
                "pre-trial detention, while it can still keep her out of prison."
            )
            % {"status": _label(CustodyEpisode.LegalStatus, mother.legal_status)}
        )
    born_after = add_months(today, -12 * CHILD_AGE_YEARS)
    has_child = Child.objects.filter(mother=mother, date_of_birth__gt=born_after).exists()
    if not (mother.is_pregnant or mother.is_breastfeeding or has_child):
        reasons.append(
            gettext(
                "She is not recorded as pregnant or breastfeeding, and no child of hers under "
                "%(years)s is registered."
            )
            % {"years": CHILD_AGE_YEARS}
        )
    return reasons
