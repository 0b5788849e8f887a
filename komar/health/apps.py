from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "komar.health"
    label = "health"
