"""Plain French definitions of the default catalogue's indicators (the data dictionary, issue 12).

Frozen here like the catalogue of 0002. Only an empty definition is filled: one an administrator wrote is kept,
and going back clears only the definitions that are still these.
"""

from django.db import migrations

DEFINITIONS = {
    "personnes_aidees_individuel": (
        "Personnes différentes ayant bénéficié, dans l'année, d'au moins une intervention individuelle du service "
        "social (conseil, médiation ou accompagnement). Une personne aidée plusieurs fois compte une fois."
    ),
    "personnes_aidees_collectif": (
        "Personnes différentes ayant participé, dans l'année, à au moins une intervention sociale collective "
        "(information collective, travail social avec les groupes, intervention sociale d'intérêt collectif)."
    ),
    "personnes_aidees_non_reparties": (
        "Personnes aidées dont le mode d'intervention (individuel ou collectif) n'a pas pu être précisé."
    ),
    "domaine_acces_soins": (
        "Personnes aidées individuellement pour accéder aux soins ou aux droits à l'assurance maladie "
        "(ouverture de droits, complémentaire santé, renoncement aux soins)."
    ),
    "domaine_maintien_emploi": (
        "Personnes aidées individuellement pour rester dans leur emploi malgré un problème de santé "
        "(prévention de la désinsertion professionnelle)."
    ),
    "domaine_retour_emploi": (
        "Personnes aidées individuellement pour reprendre une activité professionnelle après un arrêt de travail "
        "ou une période sans emploi liée à la santé."
    ),
    "domaine_personnes_agees": (
        "Personnes âgées aidées individuellement pour préserver leur autonomie (maintien à domicile, sortie "
        "d'hospitalisation, prévention de la perte d'autonomie)."
    ),
    "domaine_malades_handicapees": (
        "Personnes gravement malades ou en situation de handicap aidées individuellement pour préserver leur autonomie."
    ),
    "domaine_non_repartis": "Personnes aidées individuellement dont le domaine prioritaire n'a pas été précisé.",
    "type_conseil": (
        "Personnes ayant reçu un conseil social : information, orientation ou évaluation ponctuelle de leur "
        "situation, sans suivi dans la durée."
    ),
    "type_mediation": (
        "Personnes pour lesquelles le service social est intervenu auprès d'un tiers (organisme, employeur, "
        "établissement) pour débloquer leur situation."
    ),
    "type_accompagnement": (
        "Personnes suivies dans la durée par un travailleur social, sur la base d'objectifs fixés avec elles."
    ),
    "accompagnements_termines": "Accompagnements sociaux clos au cours de l'année, quel qu'en soit le résultat.",
    "objectifs_atteints": "Accompagnements terminés dans l'année dont tous les objectifs fixés ont été atteints.",
    "objectifs_partiels": (
        "Accompagnements terminés dans l'année dont une partie seulement des objectifs fixés a été atteinte."
    ),
    "collectif_info_actions": (
        "Réunions d'information collective organisées par le service social (droits, santé, prévention)."
    ),
    "collectif_info_beneficiaires": "Personnes ayant assisté aux informations collectives de l'année.",
    "collectif_groupes_actions": (
        "Actions de travail social avec les groupes : séances réunissant des personnes confrontées à une même "
        "difficulté, animées par un travailleur social."
    ),
    "collectif_groupes_beneficiaires": "Personnes ayant participé aux actions de travail social avec les groupes.",
    "collectif_isic_actions": (
        "Interventions sociales d'intérêt collectif : actions menées avec des partenaires sur un territoire pour "
        "répondre à un besoin commun d'une population."
    ),
    "collectif_isic_beneficiaires": "Personnes concernées par les interventions sociales d'intérêt collectif.",
    "origine_offre_service": (
        "Demandes nées d'une offre de service du service social, après détection proactive d'une situation "
        "(par exemple un assuré en arrêt de travail depuis trois mois)."
    ),
    "origine_tiers": "Demandes transmises par un partenaire (médecin, employeur, organisme, association).",
    "origine_spontanee": "Demandes faites par les personnes elles-mêmes, de leur propre initiative.",
    "offres_service_emises": "Offres de service adressées dans l'année par le service social, acceptées ou non.",
    "appels_nouveaux_demandeurs": "Appels téléphoniques reçus de personnes qui n'étaient pas suivies.",
    "appels_traites_immediatement": "Appels de nouveaux demandeurs traités pendant l'appel lui-même.",
    "appels_traites_24h": "Appels de nouveaux demandeurs traités dans les 24 heures suivant l'appel.",
    "saisines_recues": "Demandes d'intervention (saisines) reçues par le service social dans l'année.",
    "saisines_offre_service": "Saisines reçues auxquelles le service social a répondu par une offre de service.",
    "saisines_offre_3_jours": "Saisines ayant reçu une offre de service dans les trois jours suivant leur réception.",
    "saisines_contact": "Saisines suivies d'un contact effectif avec la personne (entretien, appel, rendez-vous).",
    "publics_precarite": (
        "Personnes aidées en situation de précarité, par exemple bénéficiaires de la complémentaire santé solidaire."
    ),
    "taux_objectifs_atteints": (
        "Part des accompagnements terminés dont tous les objectifs ont été atteints, en pourcentage."
    ),
    "taux_objectifs_partiels": (
        "Part des accompagnements terminés dont une partie des objectifs a été atteinte, en pourcentage."
    ),
    "taux_appels_immediats": "Part des appels de nouveaux demandeurs traités immédiatement, en pourcentage.",
    "taux_appels_24h": "Part des appels de nouveaux demandeurs traités sous 24 heures, en pourcentage.",
    "taux_offre_service": "Part des saisines reçues ayant donné lieu à une offre de service, en pourcentage.",
    "taux_offre_3_jours": "Part des offres de service faites dans les trois jours suivant la saisine, en pourcentage.",
    "taux_contact": "Part des saisines avec offre de service suivies d'un contact, en pourcentage.",
}


def fill(apps, schema_editor):
    Indicateur = apps.get_model("activites", "Indicateur")
    for code, definition in DEFINITIONS.items():
        Indicateur.objects.filter(code=code, definition="").update(definition=definition)


def clear(apps, schema_editor):
    Indicateur = apps.get_model("activites", "Indicateur")
    for code, definition in DEFINITIONS.items():
        Indicateur.objects.filter(code=code, definition=definition).update(definition="")


class Migration(migrations.Migration):
    dependencies = [("activites", "0005_definition_seuils_variation")]

    operations = [migrations.RunPython(fill, clear)]
