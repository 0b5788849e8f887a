from django.urls import path

from komar.health import views

app_name = "health"

urlpatterns = [
    path("children/<uuid:code>/", views.child_health, name="child"),
    path("children/<uuid:code>/record.pdf", views.record_pdf, name="record_pdf"),
    path("children/<uuid:code>/measurements/new/", views.measurement_new, name="measurement_new"),
    path("measurements/<uuid:code>/", views.measurement_edit, name="measurement_edit"),
    path(
        "children/<uuid:code>/immunisations/new/",
        views.immunisation_new,
        name="immunisation_new",
    ),
    path("immunisations/<uuid:code>/", views.immunisation_edit, name="immunisation_edit"),
    path("children/<uuid:code>/milestones/new/", views.milestone_new, name="milestone_new"),
    path("milestones/<uuid:code>/", views.milestone_edit, name="milestone_edit"),
    path("children/<uuid:code>/events/new/", views.event_new, name="event_new"),
    path("events/<uuid:code>/", views.event_edit, name="event_edit"),
    path("children/<uuid:code>/checks/new/", views.check_new, name="check_new"),
    path("checks/<uuid:code>/", views.check_edit, name="check_edit"),
]
