from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "komar.casework"
    label = "casework"

    def ready(self) -> None:
        from komar.casework import checks  # noqa: F401  (registers the system checks)
