"""The diversion screening's pages, under /legal/screenings/ (the `legal` namespace)."""

from django.urls import path

from komar.legal import screening_views as views

urlpatterns = [
    path("women/<uuid:code>/new/", views.screening_new, name="screening_new"),
    path("rules/", views.screening_rules, name="screening_rules"),
    path("<uuid:code>/", views.screening_detail, name="screening_detail"),
    path("<uuid:code>/choose/", views.screening_choose, name="screening_choose"),
    path("<uuid:code>/edit/", views.screening_edit, name="screening_edit"),
]
