from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did or saw what, when and from where. Written by actions in the same transaction.

    Holds codes and field names, never the personal data itself.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        VIEW = "view", _("Viewed")

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    ip_address = models.GenericIPAddressField(_("from address"), null=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("record"), max_length=60)
    object_code = models.CharField(max_length=40)
    # The woman whose file the record belongs to, so the file can show its own history.
    mother = models.ForeignKey(
        "cases.Mother", on_delete=models.PROTECT, null=True, related_name="+"
    )
    fields = models.JSONField(_("fields"), default=list)
    # The improbable dates that the person confirmed as right when saving (the kinds of
    # `cases.date_rules.CONFIRMED_LABELS`), so that a reviewer sees what was checked and by whom.
    confirmed = models.JSONField(_("confirmed as right"), default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            # "Who has seen and changed this file" on the woman's file.
            models.Index(fields=["mother", "-at"], name="audit_mother_at_idx"),
            # An administrator's review of one user's activity.
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
            # Who saved a record last, shown when two people edit it at once (`last_change`).
            models.Index(fields=["object_code", "-at"], name="audit_object_at_idx"),
            # The latest write of each kind, in one index probe: what the research study's
            # stored numbers were computed after (`research.study.data_key`).
            models.Index(fields=["action", "id"], name="audit_action_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_code}"

    @classmethod
    def last_change(cls, obj: models.Model) -> AuditEntry | None:
        """The latest change of a record (with a `code`): who saved it last, and when."""
        return (
            cls.objects.filter(object_code=str(obj.code), action=cls.Action.CHANGE)  # type: ignore[attr-defined]
            .select_related("actor")
            .order_by("-at")
            .first()
        )
