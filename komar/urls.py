from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from komar.accounts import views as account_views
from komar.accounts.forms import SignInForm


class FaviconRedirect(RedirectView):
    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        # Resolved on request: in production the static manifest exists only after
        # collectstatic, which runs after migrate (that imports the URLs).
        return static("img/favicon.svg")


urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            redirect_authenticated_user=True,
            authentication_form=SignInForm,
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
    path("casework/", include("komar.casework.urls")),
    path("legal/", include("komar.legal.urls")),
    path("health/", include("komar.health.urls")),
    path("transitions/", include("komar.transitions.urls")),
    path("monitoring/", include("komar.monitoring.urls")),
    path("research/", include("komar.research.urls")),
    path("work/", include("komar.tasks.urls")),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", FaviconRedirect.as_view(permanent=True)),
    path("admin/login/", account_views.admin_login),
    path("admin/", admin.site.urls),
]
