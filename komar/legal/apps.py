from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "komar.legal"
    label = "legal"
    verbose_name = "Legal case and diversion"
