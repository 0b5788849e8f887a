"""The legal work lists behind "My work", and the facilities' legal pages."""

from django.urls import path

from komar.legal import work_views

urlpatterns = [
    path("work/hearings/", work_views.hearing_list, name="work_hearings"),
    path("work/to-screen/", work_views.to_screen_list, name="work_to_screen"),
    path("work/reports/", work_views.report_list, name="work_reports"),
    path("work/reviews/", work_views.review_list, name="work_reviews"),
    path("work/applications/", work_views.application_list, name="work_applications"),
    path("facilities/", work_views.facility_choice, name="facility_choice"),
    path("facilities/<uuid:code>/", work_views.facility_page, name="facility_page"),
]
