from django.apps import AppConfig


class ActivitesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activites"
    verbose_name = "Partie II — Activités du service"
