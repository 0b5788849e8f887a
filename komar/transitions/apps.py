from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "komar.transitions"
    label = "transitions"

    def ready(self) -> None:
        # No child leaves her mother's facility without her except through a recorded
        # separation (an approved plan with an assessed carer, or a supervisor's override).
        from komar.audit.actions import register_write_check
        from komar.transitions.actions import refuse_unplanned_separation

        register_write_check(refuse_unplanned_separation)
