from django.apps import AppConfig


class ActivitesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activites"
    verbose_name = "Partie II — Activités du service"

    def ready(self):
        from caisses.checks import CHECKS
        from caisses.demo import DEMO_EXTENSIONS
        from caisses.plan import SECTION_HISTORY, SECTION_STATUS, SECTION_STATUS_INPUTS, SECTION_STATUS_MANY

        from . import interchange, models, queries  # noqa: F401 — interchange registers partie_2
        from .checks import constats_ii1
        from .demo import fill_partie_deux

        SECTION_STATUS.update(
            {
                "II.1": queries.etat_ii1,
                "II.2": queries.etat_ii2,
                "II.3": queries.etat_ii3,
                "II.4": queries.etat_ii4,
            }
        )
        SECTION_HISTORY.setdefault("II.1", []).extend([models.Valeur, models.PartieDeux])
        SECTION_HISTORY.setdefault("II.2", []).extend([models.Etudiant, models.PartieDeux])
        SECTION_HISTORY.setdefault("II.3", []).extend([models.Circonscription, models.PartieDeux])
        SECTION_HISTORY.setdefault("II.4", []).extend(
            [models.PartieDeux, models.EnqueteSatisfaction, (models.ItemSatisfaction, "enquete__rapport_id")]
        )
        if constats_ii1 not in CHECKS:
            CHECKS.append(constats_ii1)
        # The national view asks the states of every region's report at once (caisses.plan.section_states_many).
        SECTION_STATUS_MANY.update(
            {
                "II.1": queries.etats_ii1,
                "II.2": queries.etats_ii2,
                "II.3": queries.etats_ii3,
                "II.4": queries.etats_ii4,
            }
        )
        if queries.etats_inputs not in SECTION_STATUS_INPUTS:
            SECTION_STATUS_INPUTS.append(queries.etats_inputs)
        if fill_partie_deux not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(fill_partie_deux)
