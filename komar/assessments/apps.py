from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "komar.assessments"
    label = "assessments"
