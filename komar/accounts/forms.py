from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from komar.accounts.models import Role, User
from komar.facilities.models import Facility
from komar.lib.fields import ModelMultipleChoiceField


class UserForm(forms.ModelForm):
    facilities = ModelMultipleChoiceField(
        label=_("Facilities"),
        queryset=Facility.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The facilities she works in, among those of her organisation. Prison department "
            "staff see the women held, or last held, in them."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "role", "language", "is_active"]
        help_texts = {"is_active": _("Untick to deactivate: she can no longer sign in.")}

    def __init__(self, *args: Any, manager: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        # Only where her organisation works (set by a national administrator).
        organisation_id = self.instance.organisation_id if self.instance.pk else None
        organisation_id = organisation_id or manager.organisation_id
        field = self.fields["facilities"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Facility.objects.filter(is_active=True, organisations=organisation_id)
        if self.instance.pk:
            self.initial["facilities"] = list(self.instance.facilities.all())
        if self.instance.pk == manager.pk:
            # An administrator cannot lock herself out by mistake.
            del self.fields["is_active"]
            self.fields["role"].disabled = True

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        if role not in Role.values:
            raise forms.ValidationError(_("Choose a role."))
        return role

    def model_data(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.cleaned_data.items() if k != "facilities" and k != "password1"
        }


class NewUserForm(UserForm):
    password1 = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Give it to her in person; she can change it."),
    )

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        password_validation.validate_password(password)
        return password


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refused before any password is checked when one address has
    failed too often, whatever usernames it tried (django-axes locks each username per
    address; this stops trying many usernames from one place)."""

    def clean(self) -> dict[str, Any]:
        if self.request is not None and address_failures(self.request) >= (
            settings.KOMAR_LOGIN_ADDRESS_LIMIT
        ):
            raise forms.ValidationError(
                _(
                    "Too many failed sign-ins from this place. Wait %(minutes)s minutes, or ask "
                    "your administrator."
                )
                % {"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
                code="address_limit",
            )
        return super().clean()


def address_failures(request: Any) -> int:
    """Failed sign-ins from the request's address within the cool-off time."""
    import datetime as dt

    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(
        ip_address=get_client_ip_address(request), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)
