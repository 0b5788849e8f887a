from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "komar.monitoring"
    label = "monitoring"
