from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "komar.accounts"
    label = "accounts"
