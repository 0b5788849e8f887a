from django.urls import path

from komar.counselling import views

app_name = "counselling"
urlpatterns = [
    path("women/<uuid:code>/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:code>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:code>/edit/", views.session_edit, name="session_edit"),
    path(
        "sessions/<uuid:code>/summary.pdf",
        views.session_summary_pdf,
        name="session_summary_pdf",
    ),
    path("facilities/<uuid:code>/sheet.pdf", views.facility_sheet_pdf, name="facility_sheet_pdf"),
]
