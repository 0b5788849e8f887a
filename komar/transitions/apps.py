from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "komar.transitions"
    label = "transitions"
