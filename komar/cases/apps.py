from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "komar.cases"
    label = "cases"

    def ready(self) -> None:
        # Registers the `ilike` lookup used by name search on PostgreSQL.
        # A closed case is read-only, whichever workflow writes to it.
        from komar.audit.actions import register_write_check
        from komar.cases.actions import refuse_closed
        from komar.lib import lookups  # noqa: F401

        register_write_check(refuse_closed)
