from django.urls import path

from komar.transitions import views

app_name = "transitions"

urlpatterns = [
    path("women/<uuid:code>/carers/new/", views.carer_new, name="carer_new"),
    path("carers/<uuid:code>/", views.carer_detail, name="carer_detail"),
    path("carers/<uuid:code>/edit/", views.carer_edit, name="carer_edit"),
    path("carers/<uuid:code>/assess/", views.carer_assess, name="carer_assess"),
    path(
        "carer-assessments/<uuid:code>/decide/",
        views.carer_assessment_decide,
        name="carer_assessment_decide",
    ),
    path("children/<uuid:code>/plan/", views.plan_open, name="plan_open"),
    path("children/<uuid:code>/separate/", views.separation_new, name="separation_new"),
    path("children/<uuid:code>/reintegration/", views.reintegration_new, name="reintegration_new"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:code>/steps/new/", views.step_new, name="step_new"),
    path("plans/<uuid:code>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<uuid:code>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<uuid:code>/review/", views.plan_review, name="plan_review"),
    path("plans/<uuid:code>/carer.pdf", views.plan_carer_pdf, name="plan_carer_pdf"),
    path("plans/<uuid:code>/mother.pdf", views.plan_mother_pdf, name="plan_mother_pdf"),
    path("steps/<uuid:code>/done/", views.step_done, name="step_done"),
    path("separations/<uuid:code>/", views.separation_detail, name="separation_detail"),
    path("separations/<uuid:code>/letter.pdf", views.separation_letter, name="separation_letter"),
    path(
        "separations/<uuid:code>/notified/", views.separation_notified, name="separation_notified"
    ),
    path("visits/<uuid:code>/", views.visit_record, name="visit_record"),
]
