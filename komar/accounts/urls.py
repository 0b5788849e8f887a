from django.contrib.auth import views as auth_views
from django.urls import path

from komar.accounts import views

app_name = "accounts"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/new/", views.user_new, name="user_new"),
    path("team/<uuid:code>/", views.user_edit, name="user_edit"),
    path("team/<uuid:code>/password/", views.user_password, name="user_password"),
    path("team/<uuid:code>/unlock/", views.user_unlock, name="user_unlock"),
    path(
        "password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_change_done",
    ),
]
