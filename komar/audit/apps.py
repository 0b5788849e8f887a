from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "komar.audit"
    label = "audit"
