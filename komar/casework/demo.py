"""The casework demo: a few case notes for each woman the counselling demo counselled, written
by her counsellor between her admission and today (`seed_demo` hands each `Counselled` woman
on). No documents: the demo has no scans to attach.

Like the rest of the demo, rows are written in bulk without audit entries (an audit trail of
events that never happened would be false). The notes obey the date rules: after her
admission, and about a child only once the child is born. The draws come from a generator of
their own, so that adding notes changes none of the other demo rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from komar.accounts.models import User
from komar.cases import demo as registry
from komar.cases.demo import WomanFacts, write_rows
from komar.cases.models import Mother
from komar.casework.models import CaseNote

NOTES_PER_WOMAN = (1, 4)
ABOUT_A_CHILD_SHARE = 0.4
KINDS = [
    (CaseNote.Kind.VISIT, 5),
    (CaseNote.Kind.CALL, 3),
    (CaseNote.Kind.MEETING, 2),
    (CaseNote.Kind.OTHER, 1),
]

# What was discussed and agreed (fictional), in Khmer or in English as a worker may write.
CONTACTS = {
    CaseNote.Kind.VISIT: [
        (
            "នាង និងបុគ្គលិកសង្គម",
            "សុខភាពកូន និងការទៅជួបពេទ្យនៅសប្តាហ៍ក្រោយ។",
            "បុគ្គលិកសង្គមនឹងសុំឱ្យគិលានុបដ្ឋាយិកាមកពិនិត្យកូន។",
        ),
        (
            "She, the social worker, a prison officer",
            "How she and the baby are sleeping since the cell was changed.",
            "The officer asks whether a second mat can be given.",
        ),
    ],
    CaseNote.Kind.CALL: [
        (
            "បុគ្គលិកសង្គម និងបងស្រីរបស់នាង (តាមទូរស័ព្ទ)",
            "តើបងស្រីអាចមើលកូនបាន នៅពេលកូនដល់អាយុកំណត់ឬទេ។",
            "បងស្រីនឹងមកសួរសុខទុក្ខនៅថ្ងៃអាទិត្យ ជាមួយសៀវភៅគ្រួសារ។",
        ),
        (
            "The social worker and her mother (by phone)",
            "Whether the grandmother can bring the older child on visiting day.",
            "The grandmother comes next Tuesday morning.",
        ),
    ],
    CaseNote.Kind.MEETING: [
        (
            "នាង មេធាវី និងបុគ្គលិកសង្គម",
            "សវនាការខែក្រោយ និងការស្នើសុំនៅក្រៅឃុំបណ្ដោះអាសន្ន។",
            "មេធាវីនឹងដាក់ពាក្យស្នើសុំមុនថ្ងៃសុក្រ។",
        ),
        (
            "She, the social worker, the prison chief's deputy",
            "Time in the child-friendly space for the children inside.",
            "Two mornings a week, starting next week.",
        ),
    ],
    CaseNote.Kind.OTHER: [
        (
            "បុគ្គលិកសង្គម និងមេឃុំ",
            "ការចុះបញ្ជីកំណើតរបស់កូន។",
            "មេឃុំនឹងពិនិត្យបញ្ជីនៅសប្តាហ៍ក្រោយ។",
        ),
        (
            "The social worker and the commune council",
            "Birth registration of the child born inside.",
            "The council checks the register next week.",
        ),
    ],
}


class NoteGenerator(registry.Draws):
    """Draws each counselled woman's case notes from a seeded generator of its own."""

    def woman(self, woman: WomanFacts, author: User, rows: list[CaseNote]) -> None:
        episode = woman.episode
        if episode is None or episode.admission_date > self.today:
            return
        span = (self.today - episode.admission_date).days
        offsets = sorted(
            self.rng.randint(0, span) for _ in range(self.rng.randint(*NOTES_PER_WOMAN))
        )
        children = [*woman.inside, *woman.outside_under_three]
        for offset in offsets:
            held_on = episode.admission_date + dt.timedelta(days=offset)
            born = [c for c in children if c.date_of_birth <= held_on]
            child = self.rng.choice(born) if born and self.chance(ABOUT_A_CHILD_SHARE) else None
            kind = self.rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
            participants, discussed, agreed = self.rng.choice(CONTACTS[kind])
            rows.append(
                CaseNote(
                    code=self.code(),
                    mother=woman.mother,
                    child=child,
                    kind=kind,
                    held_on=held_on,
                    participants=participants,
                    discussed=discussed,
                    agreed=agreed,
                    author=author,
                    created_at=self.now,
                    updated_at=self.now,
                )
            )


def insert_notes(rows: list[CaseNote]) -> None:
    """Write the notes of one chunk of women (inside the caller's transaction)."""
    write_rows(rows)


def summary(mothers: QuerySet[Mother]) -> dict[str, int]:
    return {"case notes": CaseNote.objects.filter(mother__in=mothers).count()}
