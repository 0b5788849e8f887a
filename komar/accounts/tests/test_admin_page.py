"""The admin is for administrators; anyone else gets Komar's own page, in her language."""

from komar.conftest import client_for


def test_a_social_worker_gets_a_proper_page_in_khmer(sokha) -> None:
    sokha.language = "km"
    sokha.save(update_fields=["language"])
    response = client_for(sokha).get("/admin/", follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="km">' in html
    assert "Django" not in html


def test_a_superuser_reaches_the_admin(admin_user) -> None:
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    assert client_for(admin_user).get("/admin/").status_code == 200


def test_anonymous_gets_the_admin_sign_in(client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_the_favicon_is_served(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("img/favicon.svg")
