from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "komar.facilities"
    label = "facilities"
