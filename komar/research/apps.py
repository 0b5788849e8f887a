from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "komar.research"
    label = "research"
