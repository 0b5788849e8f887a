"""The legal workflow's pages, one module of views per part (the legal case, the screening, the
court report, the work lists and the facility page)."""

from django.urls import include, path

app_name = "legal"
urlpatterns = [
    path("", include("komar.legal.urls_case")),
    path("screenings/", include("komar.legal.urls_screening")),
    path("reports/", include("komar.legal.urls_report")),
    path("", include("komar.legal.urls_work")),
]
