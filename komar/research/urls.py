from django.urls import path

from komar.research import statistics_views, study_views, views

app_name = "research"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<uuid:code>/", views.project, name="project"),
    path("projects/<uuid:code>/export/", views.export_new, name="export_new"),
    path("projects/<uuid:code>/study/", study_views.study_page, name="study"),
    path("projects/<uuid:code>/study.pdf", study_views.study_pdf, name="study_pdf"),
    path("exports/<uuid:code>/", views.export_detail, name="export"),
    path("exports/<uuid:code>/download/", views.export_download, name="export_download"),
    path("statistics/", statistics_views.monthly_page, name="statistics"),
    path("statistics.pdf", statistics_views.monthly_pdf, name="statistics_pdf"),
    path("dashboard/", statistics_views.supervisor_dashboard, name="dashboard"),
    path("statistics.xlsx", statistics_views.monthly_xlsx, name="statistics_xlsx"),
]
