"""The court report's pages, under /legal/reports/ (`report_views.py`)."""

from django.urls import path

from komar.legal import report_views as views

urlpatterns = [
    path("women/<uuid:code>/new/", views.report_new, name="report_new"),
    path("<uuid:code>/", views.report_detail, name="report_detail"),
    path("<uuid:code>/edit/", views.report_edit, name="report_edit"),
    path("<uuid:code>/submit/", views.report_submit, name="report_submit"),
    path("<uuid:code>/approve/", views.report_approve, name="report_approve"),
    path("<uuid:code>/return/", views.report_return, name="report_return"),
    path("<uuid:code>/correct/", views.report_correct, name="report_correct"),
    path("<uuid:code>/court-report.pdf", views.report_pdf, name="report_pdf"),
    path("<uuid:code>/court-report.docx", views.report_docx, name="report_docx"),
]
