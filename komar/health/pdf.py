"""A child's health record, printed: her growth (the latest measurement, its classification,
the charts), her immunisations given and due, her milestones, illnesses, referrals and hospital
stays, and her admission health check. Handed over with her at separation, in Khmer (or English).

Rendered by WeasyPrint through the counselling app's renderer (Khmer fonts, static files only).
It leaves out what is confidential: a birth in custody (Nelson Mandela Rule 28) is never
printed, nor the mother's legal situation.
"""

from __future__ import annotations

from django.utils import translation

from komar.cases.models import Child
from komar.counselling.pdf import render_pdf


def health_record_pdf(child: Child, language: str) -> bytes:
    from komar.health.views import health_context

    with translation.override(language):
        context = health_context(child, None)
    return render_pdf("health/record_pdf.html", context, language)
