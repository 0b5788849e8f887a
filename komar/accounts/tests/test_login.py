import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from komar.conftest import PASSWORD, client_for

LOGIN = reverse("login")


def test_it_signs_in_and_goes_to_the_case_list(client, sokha) -> None:
    response = client.post(LOGIN, {"username": "sokha", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").url == reverse("cases:case_list")


def test_a_wrong_password_is_explained(client, sokha) -> None:
    response = client.post(LOGIN, {"username": "sokha", "password": "wrong"})
    assert "The username or password is not right." in response.content.decode()


def test_the_account_is_locked_after_repeated_failures(client, sokha) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "sokha", "password": "wrong"})
    response = client.post(LOGIN, {"username": "sokha", "password": PASSWORD})
    assert response.status_code == 429
    assert "Account locked" in response.content.decode()


def test_a_researcher_lands_on_her_research_page(researcher) -> None:
    response = client_for(researcher).get("/")
    assert response.status_code == 302 and response.url == "/research/"


def test_a_facility_monitor_lands_on_her_facilities(monitor) -> None:
    response = client_for(monitor).get("/")
    assert response.status_code == 302 and response.url == "/monitoring/"


def test_a_case_worker_lands_on_the_case_list(sokha) -> None:
    response = client_for(sokha).get("/")
    assert response.status_code == 302 and response.url == "/women/"


def test_an_account_without_a_role_page_lands_on_a_page_without_personal_data(ngo) -> None:
    from komar.accounts.models import Role
    from komar.conftest import make_user

    # An account whose role has no page of its own sees the welcome page.
    user = make_user("norole", ngo, Role.RESEARCHER, [])
    user.role = ""
    user.save(update_fields=["role"])
    response = client_for(user).get("/")
    assert response.status_code == 200
    assert "does not open personal files" in response.content.decode()


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Reads do not save the session; SessionActivityMiddleware pushes the expiry back instead.
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from komar import settings as komar_settings

    assert komar_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_the_language_switch_is_remembered_on_the_account(sokha) -> None:
    client = client_for(sokha)
    response = client.post(reverse("set_language"), {"language": "km", "next": "/women/"})
    assert response.status_code == 302
    assert response.url == "/women/"
    sokha.refresh_from_db()
    assert sokha.language == "km"
    # A new device, same account: Khmer.
    assert '<html lang="km">' in client_for(sokha).get("/women/").content.decode()


def test_the_language_switch_refuses_foreign_redirects(sokha) -> None:
    response = client_for(sokha).post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_pages_carry_a_strict_content_security_policy(client) -> None:
    csp = client.get(LOGIN).headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "komar.settings", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=str(settings.PROJECT_DIR),
    )


@pytest.mark.parametrize("secret", ["", None])
def test_production_refuses_to_start_without_a_secret_key(secret, tmp_path) -> None:
    env = {"KOMAR_PRODUCTION": "1", "KOMAR_DATA_DIR": str(tmp_path)}
    if secret is not None:
        env["KOMAR_SECRET_KEY"] = secret
    result = _start(env)
    assert result.returncode != 0
    assert "KOMAR_SECRET_KEY" in result.stderr


def test_production_reads_the_secret_from_a_file(tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("x" * 60)
    result = _start(
        {
            "KOMAR_PRODUCTION": "1",
            "KOMAR_SECRET_KEY_FILE": str(secret),
            "KOMAR_DATA_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
