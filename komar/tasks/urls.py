from django.urls import path

from komar.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("rules/", views.rule_list, name="rule_list"),
    path("reviews/", views.review_list, name="review_list"),
    path("determinations/", views.determination_review_list, name="determination_review_list"),
    path("approvals/", views.approval_list, name="approval_list"),
    path("returned/", views.returned_list, name="returned_list"),
    path("flags/<slug:rule_code>/", views.flag_list, name="flag_list"),
    path("lists/<slug:key>/", views.work_list, name="work_list"),
]
