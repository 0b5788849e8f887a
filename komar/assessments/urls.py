from django.urls import path

from komar.assessments import views

app_name = "assessments"
urlpatterns = [
    path("children/<uuid:code>/new/", views.assessment_new, name="assessment_new"),
    path(
        "children/<uuid:code>/determination/new/",
        views.determination_new,
        name="determination_new",
    ),
    path("<uuid:code>/", views.assessment_detail, name="assessment_detail"),
    path("<uuid:code>/edit/", views.assessment_edit, name="assessment_edit"),
    path("<uuid:code>/submit/", views.assessment_submit, name="assessment_submit"),
    path("<uuid:code>/approve/", views.assessment_approve, name="assessment_approve"),
    path("<uuid:code>/return/", views.assessment_return, name="assessment_return"),
    path("determinations/<uuid:code>/", views.determination_detail, name="determination_detail"),
]
