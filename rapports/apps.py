from django.apps import AppConfig


class RapportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapports"
    verbose_name = "Rapports annuels"

    def ready(self):
        from .models import PartieTrois
        from .plan import SECTION_HISTORY

        SECTION_HISTORY.setdefault("III", []).append(PartieTrois)
