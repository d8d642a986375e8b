from django.apps import AppConfig


class CaissesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "caisses"
    verbose_name = "Organisations, exercices et utilisateurs"
