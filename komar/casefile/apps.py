from django.apps import AppConfig


class CasefileConfig(AppConfig):
    """The pages that compose every workflow: the woman's file, the child's page, the timeline.

    On start it installs the workflows listed in `plugins.py` (their sections and rules)."""

    name = "komar.casefile"
    label = "casefile"

    def ready(self) -> None:
        from komar.casefile import plugins

        plugins.install()
