from django.apps import AppConfig


class UserpoolsConfig(AppConfig):
    name = "userpools"
    verbose_name = "User pools"
