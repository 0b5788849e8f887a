"""The court report (a social inquiry report, Tokyo Rule 7): its sections, first drafted from
her file and her latest screening, in the report's language.

The draft says only what the court needs to decide on her detention: who she is and where she
is held, the charge (no detail of the offence), each child's situation, the care alternatives
assessed, her health, the measure proposed and the legal grounds. It never drafts in a fact
that is confidential: that a child was born in custody (Nelson Mandela Rule 28), her own words
in counselling, the notes of a decision, identity or prison numbers, a carer's phone. The author
may write any of them in herself, deliberately: every section is editable while a draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from komar.assessments.models import Assessment, Determination
from komar.cases.models import Child, CustodyEpisode, Mother, Placement
from komar.cases.templatetags.ages import age_label
from komar.counselling.models import DECISION_NEWEST_FIRST, ChildDecision
from komar.legal.models import (
    NO_ALTERNATIVE_CARE,
    CareArrangement,
    DetentionGround,
    LegalCase,
    Measure,
    Screening,
    SupervisionObligation,
)
from komar.lib.dates import age_in_months

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The sections of a report, in the order it is printed. The keys are stored (in
# `CourtReport.sections`) and never change; the titles are translated when shown.
SECTIONS: tuple[tuple[str, _StrPromise], ...] = (
    ("circumstances", gettext_lazy("Her circumstances")),
    ("children", gettext_lazy("Her children")),
    ("care", gettext_lazy("Care alternatives assessed")),
    ("health", gettext_lazy("Her health and pregnancy")),
    ("measure", gettext_lazy("The measure proposed")),
    ("grounds", gettext_lazy("Legal grounds")),
    ("additional", gettext_lazy("Other information")),
)
SECTION_KEYS = tuple(key for key, _title in SECTIONS)
SECTION_TITLES = dict(SECTIONS)
# The longest a section may be (a page or two of the printed report).
SECTION_CHARS = 8000


@dataclass
class Facts:
    """What the draft is made from, read in a fixed number of queries."""

    mother: Mother
    episode: CustodyEpisode
    today: dt.date
    screening: Screening | None
    legal_case: LegalCase | None
    children: list[Child]
    decisions: dict[int, ChildDecision] = field(default_factory=dict)
    assessments: dict[int, Assessment] = field(default_factory=dict)
    determinations: dict[int, Determination] = field(default_factory=dict)


def latest_screening(episode: CustodyEpisode) -> Screening | None:
    """Her latest screening in this custody episode (the one a report is drafted from)."""
    return Screening.objects.filter(episode=episode).order_by("-screened_on", "-pk").first()


R = TypeVar("R", ChildDecision, Assessment, Determination)


def _first_per_child(rows: Iterable[R]) -> dict[int, R]:
    """The first row of each child, in the rows' order (the newest first)."""
    first: dict[int, R] = {}
    for row in rows:
        if row.child_id is not None and row.child_id not in first:
            first[row.child_id] = row
    return first


def load_facts(
    mother: Mother, episode: CustodyEpisode, screening: Screening | None, today: dt.date
) -> Facts:
    children = list(
        mother.children.select_related("current_placement__facility").order_by(
            "date_of_birth", "created_at"
        )
    )
    decisions = ChildDecision.objects.filter(child__mother=mother).select_related("session")
    # The assessments past the draft stage: a blank new draft hides nothing (as the rules read).
    assessments = (
        Assessment.objects.filter(child__mother=mother)
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("-assessed_on", "-created_at", "-pk")
    )
    determinations = Determination.objects.filter(child__mother=mother, is_latest=True)
    return Facts(
        mother=mother,
        episode=episode,
        today=today,
        screening=screening,
        legal_case=LegalCase.objects.filter(episode=episode).first(),
        children=children,
        decisions=_first_per_child(decisions.order_by(*DECISION_NEWEST_FIRST)),
        assessments=_first_per_child(assessments),
        determinations=_first_per_child(determinations),
    )


def draft_sections(facts: Facts, language: str) -> dict[str, str]:
    """Every section of the report, drafted in `language` ("km" or "en")."""
    with translation.override(language):
        return {
            "circumstances": _circumstances(facts),
            "children": _children(facts),
            "care": _care(facts),
            "health": _health(facts),
            "measure": _measure(facts),
            "grounds": _grounds(facts),
            "additional": "",
        }


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _labels(values: Iterable[str], choices: Iterable[tuple[str, object]]) -> list[str]:
    names = dict(choices)
    return [str(names[v]) for v in values if v in names]


def _joined(items: list[str]) -> str:
    return _("; ").join(items)


def _circumstances(facts: Facts) -> str:
    mother, episode = facts.mother, facts.episode
    who = mother.display_name
    age = mother.age(facts.today)
    if age is not None:
        opening = _("%(name)s is %(age)s years old.") % {"name": who, "age": age}
    else:
        opening = _("%(name)s: her age is not known.") % {"name": who}
    held = _("She has been held at %(facility)s since %(date)s (%(status)s).") % {
        "facility": episode.facility,
        "date": _date(episode.admission_date),
        "status": episode.get_legal_status_display(),
    }
    if episode.legal_status == CustodyEpisode.LegalStatus.PRE_TRIAL:
        days = (facts.today - episode.admission_date).days + 1
        held += " " + ngettext(
            "On %(date)s she has been in pre-trial detention for %(days)s day.",
            "On %(date)s she has been in pre-trial detention for %(days)s days.",
            days,
        ) % {"date": _date(facts.today), "days": days}
    charge = _charge(facts)
    first = ""
    if mother.first_offence == Mother.FirstOffence.YES:
        first = _("It is her first offence.")
    elif mother.first_offence == Mother.FirstOffence.NO:
        first = _("She has previous convictions.")
    count = len(facts.children)
    family = (
        ngettext(
            "She is the mother of %(count)s child.",
            "She is the mother of %(count)s children.",
            count,
        )
        % {"count": count}
        if count
        else ""
    )
    if mother.is_pregnant:
        family = _paragraph_join(family, _("She is pregnant."))
    lawyer = (
        _("Her lawyer: %(lawyer)s.") % {"lawyer": episode.lawyer}
        if episode.lawyer
        else _("No lawyer is recorded for her.")
    )
    return _paragraphs(
        _paragraph_join(opening, held),
        _paragraph_join(charge, first),
        family,
        _address(facts.screening),
        lawyer,
    )


def _paragraph_join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def _charge(facts: Facts) -> str:
    """The charge as the court has it: no detail of the offence."""
    episode = facts.episode
    what = episode.charges.strip() or str(episode.offence_category or "")
    if not what:
        return _("The charge is not recorded.")
    legal_case = facts.legal_case
    if legal_case is not None and legal_case.offence_class:
        return _("She is charged with %(charge)s (%(class)s).") % {
            "charge": what,
            "class": legal_case.get_offence_class_display(),
        }
    return _("She is charged with %(charge)s.") % {"charge": what}


def _address(screening: Screening | None) -> str:
    if screening is None:
        return ""
    answer = Screening.Answer
    sentences = []
    if screening.stable_address == answer.YES:
        sentences.append(
            _("She has a stable address: %(address)s.") % {"address": screening.address_note}
            if screening.address_note
            else _("She has a stable address.")
        )
    elif screening.stable_address == answer.NO:
        sentences.append(_("She has no stable address."))
    if screening.guarantor == answer.YES:
        sentences.append(
            _("A guarantor will support her: %(who)s.") % {"who": screening.guarantor_note}
            if screening.guarantor_note
            else _("A guarantor will support her.")
        )
    elif screening.guarantor == answer.NO:
        sentences.append(_("No guarantor has been found."))
    return _paragraph_join(*sentences)


def _child_intro(child: Child, today: dt.date) -> str:
    return _("%(name)s (%(sex)s, %(age)s)") % {
        "name": child.display_name,
        "sex": child.get_sex_display(),
        "age": age_label(child.date_of_birth, today),
    }


def _where(child: Child) -> str:
    """Where and with whom the child lives (never the carer's phone or address)."""
    placement = child.current_placement
    if placement is None or placement.kind == Placement.Kind.UNKNOWN:
        return _("Where the child lives is not known.")
    kind = Placement.Kind
    if placement.kind == kind.WITH_MOTHER:
        return _("Lives with her in %(facility)s.") % {"facility": placement.facility}
    where = str(placement.get_kind_display())
    carer = ", ".join(x for x in (placement.carer_name, placement.carer_relationship) if x)
    if carer:
        return _("%(where)s (%(carer)s).") % {"where": where, "carer": carer}
    return _("%(where)s.") % {"where": where}


def _what_detention_means(child: Child, today: dt.date) -> str:
    if child.is_inside:
        days = child.days_left(today)
        if days < 0:
            return _(
                "The child is past the age limit for living in prison (%(date)s) and must be "
                "separated from her unless she is released."
            ) % {"date": _date(child.stay_limit_date)}
        return ngettext(
            "While she is detained the child grows up in prison. The age limit for living there "
            "is reached on %(date)s, in %(days)s day: the child will then be separated from her "
            "unless she is released.",
            "While she is detained the child grows up in prison. The age limit for living there "
            "is reached on %(date)s, in %(days)s days: the child will then be separated from her "
            "unless she is released.",
            days,
        ) % {"date": _date(child.stay_limit_date), "days": days}
    if age_in_months(child.date_of_birth, today) >= 18 * 12:
        return ""
    return _("While she is detained the child is separated from her.")


def _children(facts: Facts) -> str:
    if not facts.children:
        return _("No child of hers is recorded.")
    return _paragraphs(
        *(
            _paragraph_join(
                _child_intro(child, facts.today) + ":",
                _where(child),
                _what_detention_means(child, facts.today),
            )
            for child in facts.children
        )
    )


def _care_if_detained(row: Mapping[str, Any]) -> list[str]:
    """Who would care for the child if she stays detained, as the screening recorded it."""
    arrangement = row.get("arrangement") or ""
    carer = str(row.get("carer_name") or "").strip()
    sentences = []
    if arrangement:
        who = _labels([arrangement], CareArrangement.choices)[0]
        if carer:
            who = _("%(who)s (%(name)s)") % {"who": who, "name": carer}
        sentences.append(_("If she stays detained: %(who)s.") % {"who": who})
    elif carer:
        sentences.append(_("If she stays detained: %(who)s.") % {"who": carer})
    if arrangement in NO_ALTERNATIVE_CARE:
        sentences.append(_("No suitable alternative care has been found for this child."))
    note = str(row.get("note") or "").strip()
    if note:
        sentences.append(note)
    return sentences


def _care(facts: Facts) -> str:
    parts = []
    screening = facts.screening
    care = {str(r.get("child")): r for r in screening.care} if screening is not None else {}
    for child in facts.children:
        sentences = []
        decision = facts.decisions.get(child.pk)
        if decision is not None:
            # The decision and who took it; never her words nor the decision's notes.
            option = str(decision.get_decision_display())
            if decision.carer_name:
                option = f"{option} ({decision.carer_name})"
            sentences.append(
                _("Counselling on %(date)s: %(option)s. Who decided: %(who)s.")
                % {
                    "date": _date(decision.session.held_on),
                    "option": option,
                    "who": decision.get_decided_by_display(),
                }
            )
        assessment = facts.assessments.get(child.pk)
        if assessment is not None:
            recommendation = (
                assessment.get_recommendation_display()
                if assessment.recommendation
                else _("no recommendation")
            )
            sentences.append(
                _("Best-interests assessment of %(date)s (%(status)s): %(recommendation)s.")
                % {
                    "date": _date(assessment.assessed_on),
                    "status": assessment.get_status_display(),
                    "recommendation": recommendation,
                }
            )
            if assessment.options_compared.strip():
                sentences.append(
                    _("Options compared: %(options)s")
                    % {"options": assessment.options_compared.strip()}
                )
        determination = facts.determinations.get(child.pk)
        if determination is not None:
            sentences.append(
                _("Best-interests determination of %(date)s: %(decision)s.")
                % {
                    "date": _date(determination.held_on),
                    "decision": determination.get_decision_display(),
                }
            )
        row = care.get(str(child.code))
        if row is not None:
            sentences.extend(_care_if_detained(row))
        if not sentences:
            sentences.append(_("No care alternative has been assessed yet."))
        parts.append(_paragraph_join(f"{child.display_name}:", *sentences))
    if screening is not None and screening.care_note.strip():
        parts.append(screening.care_note.strip())
    if not parts:
        return _("No care alternative has been assessed.")
    return _paragraphs(*parts)


def _health(facts: Facts) -> str:
    mother, screening = facts.mother, facts.screening
    sentences = []
    if mother.is_pregnant:
        sentences.append(
            _("She is pregnant; the child is expected on %(date)s.")
            % {"date": _date(mother.expected_delivery_date)}
            if mother.expected_delivery_date
            else _("She is pregnant.")
        )
    if mother.is_breastfeeding:
        sentences.append(_("She is breastfeeding."))
    if screening is not None:
        if screening.health_note.strip():
            sentences.append(screening.health_note.strip())
        # A need for drug treatment is said only when the measure proposed answers it.
        if (
            screening.drug_treatment_need == Screening.Answer.YES
            and Measure.DRUG_TREATMENT in screening.chosen
        ):
            sentences.append(
                _("She needs treatment for drug use, which she can receive in the community.")
            )
    if not sentences:
        return _("Nothing is recorded about her health.")
    return _paragraph_join(*sentences)


def _measure(facts: Facts) -> str:
    screening = facts.screening
    if screening is None:
        return _("No screening has been recorded: write here the measure proposed.")
    chosen = _labels(screening.chosen, Measure.choices)
    if not chosen:
        proposed = _("No measure has been chosen yet.")
    else:
        proposed = ngettext(
            "The measure proposed: %(measures)s.",
            "The measures proposed: %(measures)s.",
            len(chosen),
        ) % {"measures": _joined(chosen)}
    labels = _labels(screening.obligations, SupervisionObligation.choices)
    obligations = (
        _("The obligations of judicial supervision she can meet: %(obligations)s")
        % {"obligations": _joined(labels)}
        if labels
        else ""
    )
    return _paragraphs(
        proposed, screening.chosen_reason.strip(), obligations, screening.obligations_note.strip()
    )


def _grounds(facts: Facts) -> str:
    claimed = (
        _labels(facts.screening.grounds_claimed, DetentionGround.choices) if facts.screening else []
    )
    claimed_text = (
        _("The grounds for detention claimed (art. 205): %(grounds)s.")
        % {"grounds": _joined(claimed)}
        if claimed
        else ""
    )
    return _paragraphs(
        _(
            "Code of Criminal Procedure (2007), arts. 203 to 205: a charged person remains at "
            "liberty; pre-trial detention is the exception, ordered only for one of the reasons "
            "art. 205 lists."
        ),
        claimed_text,
        _(
            "Judicial supervision: the investigating judge may release her under obligations, "
            "such as living at a set address, reporting to the police or answering every summons."
        ),
        _(
            "Bangkok Rules 57 and 58: alternatives to pre-trial detention for women take account "
            "of their caretaking responsibilities, and a woman is not separated from her family "
            "without due regard to her background and family ties."
        ),
        _(
            "Bangkok Rule 60: non-custodial measures are combined with the support she needs, and "
            "designed to allow for the care of her children."
        ),
        _(
            "Bangkok Rule 64: for pregnant women and women with dependent children, non-custodial "
            "measures are preferred where possible and appropriate, after weighing the best "
            "interests of the child."
        ),
        _("Tokyo Rule 7: this social inquiry report informs the court of her social context."),
        _(
            "Ministry of Justice guideline: the investigating judge collects information on "
            "pregnancy and young children before ordering pre-trial detention; where she is "
            "pregnant or has children and no suitable alternative care exists, pre-trial "
            "detention is not ordered unless absolutely necessary."
        ),
    )
