from django.apps import AppConfig


class EffectifsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "effectifs"
    verbose_name = "Partie I — Organisation et moyens"

    def ready(self):
        from caisses.checks import CHECKS
        from caisses.demo import DEMO_EXTENSIONS
        from caisses.plan import SECTION_HISTORY, SECTION_STATUS, SECTION_STATUS_INPUTS, SECTION_STATUS_MANY

        from . import interchange, models, queries  # noqa: F401 — interchange registers partie_1
        from .checks import check_partie_1
        from .demo import fill_partie_1

        if fill_partie_1 not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(fill_partie_1)
        if check_partie_1 not in CHECKS:
            CHECKS.append(check_partie_1)

        SECTION_STATUS.update(
            {"I.1": queries.etat_i1, "I.2": queries.etat_i2, "I.3": queries.etat_i3, "I.4": queries.etat_i4}
        )
        SECTION_STATUS_MANY.update(
            {"I.1": queries.etats_i1, "I.2": queries.etats_i2, "I.3": queries.etats_i3, "I.4": queries.etats_i4}
        )
        if queries.etats_inputs not in SECTION_STATUS_INPUTS:
            SECTION_STATUS_INPUTS.append(queries.etats_inputs)
        history = {
            "I.1": [models.Effectif, models.Affectation, models.Mouvement, models.Absence, models.Boursier],
            "I.2": [models.Installation, models.EtatLocaux, models.Convention],
            "I.3": [models.Formation],
            "I.4": [models.Reunion, models.ReunionAutreService],
        }
        for code, tracked in history.items():
            registered = SECTION_HISTORY.setdefault(code, [])
            registered.extend(model for model in tracked if model not in registered)
