from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from komar.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", account_views.set_language, name="set_language"),
    path("account/", include("komar.accounts.urls")),
    path("women/", include("komar.cases.urls")),
    path("women/", include("komar.casefile.urls")),
    path("counselling/", include("komar.counselling.urls")),
    path("assessments/", include("komar.assessments.urls")),
    path("work/", include("komar.tasks.urls")),
    path("admin/", admin.site.urls),
]
