from django.apps import AppConfig


class EffectifsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "effectifs"
    verbose_name = "Partie I — Organisation et moyens"
