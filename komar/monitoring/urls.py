from django.urls import path

from komar.monitoring import attendance_views, checklist_views, home_views, snapshot_views

app_name = "monitoring"

MONTH = "<uuid:code>/<int:year>/<int:month>/"
QUARTER = "<uuid:code>/<int:year>/q<int:quarter>/"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("facilities/<uuid:code>/", home_views.facility_page, name="facility"),
    path("children/<uuid:code>/", home_views.child_minimal, name="child"),
    path("register/", attendance_views.register_choice, name="register_choice"),
    path("register/<uuid:code>/", attendance_views.register, name="register"),
    path("attendance/<uuid:code>/", attendance_views.attendance_month, name="attendance"),
    path(f"attendance/{MONTH}", attendance_views.attendance_month, name="attendance_month"),
    path(f"snapshots/{MONTH}", snapshot_views.snapshot_detail, name="snapshot"),
    path(f"snapshots/{MONTH}start/", snapshot_views.snapshot_start, name="snapshot_start"),
    path(f"snapshots/{MONTH}edit/", snapshot_views.snapshot_edit, name="snapshot_edit"),
    path(f"checklists/{QUARTER}", checklist_views.checklist_detail, name="checklist"),
    path(f"checklists/{QUARTER}start/", checklist_views.checklist_start, name="checklist_start"),
    path(f"checklists/{QUARTER}edit/", checklist_views.checklist_edit, name="checklist_edit"),
    path(f"checklists/{QUARTER}checklist.pdf", checklist_views.checklist_pdf, name="checklist_pdf"),
]
