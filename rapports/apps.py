from django.apps import AppConfig


class RapportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapports"
    verbose_name = "Rapports annuels"

    def ready(self):
        from caisses.demo import DEMO_EXTENSIONS

        from . import partie_trois
        from .demo import demo_lifecycle

        partie_trois.register()
        for extension in (partie_trois.fill_partie_trois, demo_lifecycle):
            # Last: the data apps fill the figures first, then the reports of past exercices are transmitted.
            if extension not in DEMO_EXTENSIONS:
                DEMO_EXTENSIONS.append(extension)
