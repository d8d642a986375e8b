"""The default indicator catalogue of DOMAIN.md and its validation rules.

The data is frozen here (not imported from the app) so that this migration stays what it was when it ran.
"""

from django.db import migrations

GROUPES = [
    # (code, libellé)
    ("personnes_aidees", "Personnes aidées"),
    ("domaines", "Aide individuelle par domaine prioritaire"),
    ("types_intervention", "Aide individuelle par type d'intervention"),
    ("accompagnements_termines", "Accompagnements terminés"),
    ("interventions_collectives", "Interventions sociales collectives"),
    ("origine_demandes", "Origine des demandes"),
    ("reactivite", "Réactivité"),
    ("precarite", "Publics en situation de précarité"),
]

DONNEES = [
    # (groupe, code, libellé, unité de mesure)
    ("personnes_aidees", "personnes_aidees_individuel", "Personnes aidées individuellement", "personnes"),
    ("personnes_aidees", "personnes_aidees_collectif", "Personnes aidées collectivement", "personnes"),
    ("personnes_aidees", "personnes_aidees_non_reparties", "Personnes aidées non réparties", "personnes"),
    ("domaines", "domaine_acces_soins", "Accès aux soins", "personnes"),
    ("domaines", "domaine_maintien_emploi", "Insertion professionnelle : maintien dans l'emploi", "personnes"),
    ("domaines", "domaine_retour_emploi", "Insertion professionnelle : retour à l'emploi", "personnes"),
    ("domaines", "domaine_personnes_agees", "Autonomie : personnes âgées", "personnes"),
    (
        "domaines",
        "domaine_malades_handicapees",
        "Autonomie : personnes gravement malades ou handicapées",
        "personnes",
    ),
    ("domaines", "domaine_non_repartis", "Non répartis", "personnes"),
    ("types_intervention", "type_conseil", "Conseil social", "personnes"),
    ("types_intervention", "type_mediation", "Médiation sociale", "personnes"),
    ("types_intervention", "type_accompagnement", "Accompagnement social", "personnes"),
    ("accompagnements_termines", "accompagnements_termines", "Accompagnements terminés", "accompagnements"),
    ("accompagnements_termines", "objectifs_atteints", "dont objectifs totalement atteints", "accompagnements"),
    ("accompagnements_termines", "objectifs_partiels", "dont objectifs partiellement atteints", "accompagnements"),
    ("interventions_collectives", "collectif_info_actions", "Informations collectives : actions", "actions"),
    (
        "interventions_collectives",
        "collectif_info_beneficiaires",
        "Informations collectives : bénéficiaires",
        "personnes",
    ),
    (
        "interventions_collectives",
        "collectif_groupes_actions",
        "Travail social avec les groupes : actions",
        "actions",
    ),
    (
        "interventions_collectives",
        "collectif_groupes_beneficiaires",
        "Travail social avec les groupes : bénéficiaires",
        "personnes",
    ),
    (
        "interventions_collectives",
        "collectif_isic_actions",
        "Interventions sociales d'intérêt collectif : actions",
        "actions",
    ),
    (
        "interventions_collectives",
        "collectif_isic_beneficiaires",
        "Interventions sociales d'intérêt collectif : bénéficiaires",
        "personnes",
    ),
    ("origine_demandes", "origine_offre_service", "Offre de service (détection proactive)", "demandes"),
    ("origine_demandes", "origine_tiers", "Tiers partenaires", "demandes"),
    ("origine_demandes", "origine_spontanee", "Demande spontanée", "demandes"),
    ("origine_demandes", "offres_service_emises", "Offres de service émises", "offres"),
    ("reactivite", "appels_nouveaux_demandeurs", "Appels de nouveaux demandeurs", "appels"),
    ("reactivite", "appels_traites_immediatement", "Appels traités immédiatement", "appels"),
    ("reactivite", "appels_traites_24h", "Appels traités sous 24 h", "appels"),
    ("reactivite", "saisines_recues", "Saisines reçues", "saisines"),
    ("reactivite", "saisines_offre_service", "Saisines ayant donné lieu à une offre de service", "saisines"),
    ("reactivite", "saisines_offre_3_jours", "dont offre de service sous 3 jours", "saisines"),
    ("reactivite", "saisines_contact", "Saisines suivies d'un contact", "saisines"),
    (
        "precarite",
        "publics_precarite",
        "Publics en situation de précarité (bénéficiaires de la complémentaire santé solidaire…)",
        "personnes",
    ),
]

RATIOS = [
    # (groupe, code, libellé, numérateur, dénominateur)
    (
        "accompagnements_termines",
        "taux_objectifs_atteints",
        "Taux d'objectifs totalement atteints",
        "objectifs_atteints",
        "accompagnements_termines",
    ),
    (
        "accompagnements_termines",
        "taux_objectifs_partiels",
        "Taux d'objectifs partiellement atteints",
        "objectifs_partiels",
        "accompagnements_termines",
    ),
    (
        "reactivite",
        "taux_appels_immediats",
        "Taux d'appels traités immédiatement",
        "appels_traites_immediatement",
        "appels_nouveaux_demandeurs",
    ),
    ("reactivite", "taux_appels_24h", "Taux d'appels traités sous 24 h", "appels_traites_24h", "appels_nouveaux_demandeurs"),
    (
        "reactivite",
        "taux_offre_service",
        "Taux de saisines ayant donné lieu à une offre de service",
        "saisines_offre_service",
        "saisines_recues",
    ),
    (
        "reactivite",
        "taux_offre_3_jours",
        "Taux d'offres de service sous 3 jours",
        "saisines_offre_3_jours",
        "saisines_offre_service",
    ),
    ("reactivite", "taux_contact", "Taux de saisines suivies d'un contact", "saisines_contact", "saisines_offre_service"),
]

DOMAINES = [
    "domaine_acces_soins",
    "domaine_maintien_emploi",
    "domaine_retour_emploi",
    "domaine_personnes_agees",
    "domaine_malades_handicapees",
    "domaine_non_repartis",
]


def load(apps, schema_editor):
    Groupe = apps.get_model("activites", "GroupeIndicateurs")
    Indicateur = apps.get_model("activites", "Indicateur")
    Regle = apps.get_model("activites", "Regle")
    groupes = {}
    for ordre, (code, libelle) in enumerate(GROUPES, start=1):
        groupes[code], _ = Groupe.objects.update_or_create(code=code, defaults={"libelle": libelle, "ordre": ordre * 10})
    indicateurs = {}
    for ordre, (groupe, code, libelle, unite) in enumerate(DONNEES, start=1):
        indicateurs[code], _ = Indicateur.objects.update_or_create(
            code=code,
            defaults={
                "groupe": groupes[groupe],
                "libelle": libelle,
                "ordre": ordre * 10,
                "unite_mesure": unite,
                "nature": "donnee",
                "agregation": "somme",
            },
        )
    for ordre, (groupe, code, libelle, numerateur, denominateur) in enumerate(RATIOS, start=1):
        Indicateur.objects.update_or_create(
            code=code,
            defaults={
                "groupe": groupes[groupe],
                "libelle": libelle,
                "ordre": 500 + ordre * 10,
                "unite_mesure": "%",
                "decimales": 1,
                "nature": "ratio",
                "agregation": "aucune",
                "numerateur": indicateurs[numerateur],
                "denominateur": indicateurs[denominateur],
            },
        )
    Regle.objects.get_or_create(nature="positif", indicateur=None, niveau="erreur")
    somme, _ = Regle.objects.get_or_create(
        nature="somme_egale", indicateur=indicateurs["personnes_aidees_individuel"], niveau="erreur"
    )
    somme.termes.set([indicateurs[code] for code in DOMAINES])
    for _groupe, _code, _libelle, numerateur, denominateur in RATIOS:
        regle, _ = Regle.objects.get_or_create(
            nature="inferieur_ou_egal", indicateur=indicateurs[numerateur], niveau="erreur"
        )
        regle.termes.set([indicateurs[denominateur]])


def unload(apps, schema_editor):
    apps.get_model("activites", "Regle").objects.all().delete()
    Indicateur = apps.get_model("activites", "Indicateur")
    Indicateur.objects.filter(nature="ratio").delete()
    Indicateur.objects.all().delete()
    apps.get_model("activites", "GroupeIndicateurs").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("activites", "0001_catalogue_valeurs_parties")]

    operations = [migrations.RunPython(load, unload)]
