from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "komar.tasks"
    label = "tasks"
