from django.urls import path

from komar.casefile import views

app_name = "casefile"
urlpatterns = [
    path("<uuid:code>/", views.mother_file, name="mother_file"),
    path("<uuid:code>/history/", views.mother_history, name="mother_history"),
    path("children/<uuid:code>/", views.child_file, name="child_file"),
]
