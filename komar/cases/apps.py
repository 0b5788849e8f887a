from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "komar.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the `ilike` lookup used by name search on PostgreSQL.
        from komar.lib import lookups  # noqa: F401
