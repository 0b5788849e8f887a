from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "komar.counselling"
    label = "counselling"
