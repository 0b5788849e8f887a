from django.urls import path

from komar.casework import views

app_name = "casework"
urlpatterns = [
    path("women/<uuid:code>/notes/", views.note_list, name="note_list"),
    path("women/<uuid:code>/notes/new/", views.note_new, name="note_new"),
    path("notes/<uuid:code>/edit/", views.note_edit, name="note_edit"),
    path("women/<uuid:code>/documents/", views.document_list, name="document_list"),
    path("women/<uuid:code>/documents/new/", views.document_new, name="document_new"),
    path("documents/<uuid:code>/", views.document_file, name="document_file"),
    path("documents/<uuid:code>/remove/", views.document_remove, name="document_remove"),
]
