import pytest
from django.urls import reverse

from komar.accounts.models import User
from komar.audit.models import AuditEntry
from komar.conftest import PASSWORD, client_for

TEAM = reverse("accounts:team")
NEW = reverse("accounts:user_new")


def test_an_administrator_lists_her_organisations_accounts_only(
    admin_user, sokha, outsider
) -> None:
    html = client_for(admin_user).get(TEAM).content.decode()
    assert "sokha" in html
    assert "outsider" not in html


def test_other_roles_cannot_manage_accounts(sokha, dara) -> None:
    for user in (sokha, dara):
        client = client_for(user)
        assert client.get(TEAM).status_code == 403
        assert client.get(NEW).status_code == 403


def test_anonymous_is_sent_to_login(client) -> None:
    assert client.get(TEAM).status_code == 302


def test_an_administrator_creates_an_account(admin_user, siem_reap) -> None:
    admin_user.organisation.facilities.add(siem_reap)  # her organisation works there
    response = client_for(admin_user).post(
        NEW,
        {
            "username": "channa",
            "full_name": "Channa",
            "email": "",
            "role": "social_worker",
            "language": "km",
            "is_active": "on",
            "facilities": [siem_reap.pk],
            "password1": "a-long-secret-phrase-9",
        },
    )
    assert response.status_code == 302
    channa = User.objects.get(username="channa")
    assert channa.organisation == admin_user.organisation
    assert list(channa.facilities.all()) == [siem_reap]
    assert channa.check_password("a-long-secret-phrase-9")
    entry = AuditEntry.objects.get(object_code=str(channa.code))
    assert entry.actor == admin_user
    assert "password" in entry.fields


def test_she_can_give_only_the_facilities_her_organisation_works_in(
    admin_user, siem_reap, battambang
) -> None:
    """An organisation's administrator cannot widen her own or anyone's scope: the facilities
    offered are those a national administrator set for her organisation, and the action
    refuses any other."""
    from komar.accounts.actions import FacilitiesRefused, do_change_user

    admin_user.organisation.facilities.add(siem_reap)
    client = client_for(admin_user)
    page = client.get(NEW).content.decode()
    assert siem_reap.name_en in page and battambang.name_en not in page
    url = reverse("accounts:user_edit", args=[admin_user.code])
    response = client.post(
        url,
        {
            "username": admin_user.username,
            "full_name": "Admin",
            "email": "",
            "language": "km",
            "facilities": [siem_reap.pk, battambang.pk],
        },
    )
    assert response.status_code == 200
    assert not admin_user.facilities.filter(pk=battambang.pk).exists()
    with pytest.raises(FacilitiesRefused):
        do_change_user(admin_user, {}, facilities=[battambang], actor=admin_user)


def test_where_an_organisation_works_is_set_in_the_admin_and_audited(
    admin_user, siem_reap, battambang
) -> None:
    from komar.accounts.actions import do_set_organisation_facilities

    organisation = admin_user.organisation
    organisation.facilities.add(siem_reap, battambang)
    admin_user.facilities.set([siem_reap, battambang])
    do_set_organisation_facilities(organisation, [siem_reap], actor=None)
    assert list(admin_user.facilities.all()) == [siem_reap]
    assert AuditEntry.objects.filter(
        object_code=str(organisation.code), fields=["facilities"]
    ).exists()
    assert AuditEntry.objects.filter(
        object_code=str(admin_user.code), fields=["facilities"]
    ).exists()


def test_user_accounts_are_not_edited_in_the_django_admin() -> None:
    from django.contrib import admin

    from komar.accounts.models import Organisation

    assert User not in admin.site._registry
    assert Organisation in admin.site._registry


def test_a_weak_password_is_refused(admin_user) -> None:
    response = client_for(admin_user).post(
        NEW, {"username": "channa", "role": "social_worker", "language": "km", "password1": "12345"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="channa").exists()


def test_an_administrator_deactivates_an_account(admin_user, sokha, siem_reap) -> None:
    url = reverse("accounts:user_edit", args=[sokha.code])
    response = client_for(admin_user).post(
        url,
        {
            "username": "sokha",
            "full_name": "Sokha",
            "role": "social_worker",
            "language": "en",
            "facilities": [siem_reap.pk],
        },
    )
    assert response.status_code == 302
    sokha.refresh_from_db()
    assert not sokha.is_active
    assert AuditEntry.objects.get(object_code=str(sokha.code)).fields == ["is_active"]


def test_an_administrator_cannot_deactivate_herself(admin_user) -> None:
    url = reverse("accounts:user_edit", args=[admin_user.code])
    client_for(admin_user).post(
        url, {"username": "admin_user", "role": "researcher", "language": "en"}
    )
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert admin_user.role == "administrator"


def test_accounts_of_other_organisations_are_404(admin_user, outsider) -> None:
    client = client_for(admin_user)
    assert client.get(reverse("accounts:user_edit", args=[outsider.code])).status_code == 404
    assert client.get(reverse("accounts:user_password", args=[outsider.code])).status_code == 404


def test_an_administrator_sets_a_new_password(admin_user, sokha) -> None:
    url = reverse("accounts:user_password", args=[sokha.code])
    response = client_for(admin_user).post(url, {"password1": "another-long-phrase-7"})
    assert response.status_code == 302
    sokha.refresh_from_db()
    assert sokha.check_password("another-long-phrase-7")
    assert not sokha.check_password(PASSWORD)


def test_an_administrator_sees_and_lifts_a_lockout(client, admin_user, sokha) -> None:
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sokha", "password": "wrong"})
    admin = client_for(admin_user)
    assert "Locked after failed sign-ins" in admin.get(TEAM).content.decode()
    response = admin.post(reverse("accounts:user_unlock", args=[sokha.code]))
    assert response.status_code == 302
    assert "Locked after failed sign-ins" not in admin.get(TEAM).content.decode()
    assert (
        client.post(reverse("login"), {"username": "sokha", "password": PASSWORD}).status_code
        == 302
    )
    assert AuditEntry.objects.filter(object_code=str(sokha.code), fields=["lockout"]).exists()


def test_unlock_needs_post_and_a_manager(sokha, dara) -> None:
    url = reverse("accounts:user_unlock", args=[sokha.code])
    assert client_for(dara).post(url).status_code == 403
