from django.apps import AppConfig


class RapportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapports"
    verbose_name = "Rapports annuels"

    def ready(self):
        from caisses.demo import DEMO_EXTENSIONS

        from .demo import demo_lifecycle
        from .models import PartieTrois
        from .plan import SECTION_HISTORY

        SECTION_HISTORY.setdefault("III", []).append(PartieTrois)
        register_part_one_history(SECTION_HISTORY)
        if demo_lifecycle not in DEMO_EXTENSIONS:
            # Last: the data apps fill the figures first.
            DEMO_EXTENSIONS.append(demo_lifecycle)


def register_part_one_history(registry):
    """Part I's models in the per-section history, unless the effectifs app already registered them."""
    from effectifs import models as m

    sections = {
        "I.1": [m.Effectif, m.Affectation, m.Mouvement, m.Absence, m.Boursier],
        "I.2": [m.Installation, m.Convention],
        "I.3": [m.Formation],
        "I.4": [m.Reunion, m.ReunionAutreService],
    }
    for code, models in sections.items():
        registered = registry.setdefault(code, [])
        registered.extend(model for model in models if model not in registered)
