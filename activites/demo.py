"""Demo figures and texts of Parts II and III, registered in caisses.demo.DEMO_EXTENSIONS.

Deterministic (seeded by region and year), consistent with the rules (the domaines add up to the
individual total, numerators never exceed their denominators), growing a little each year. Reports that
already hold Part II figures are left alone, so running the demo twice changes nothing.
"""

import random
from decimal import Decimal

from caisses.models import Caisse, RapportAnnuel

from .models import (
    Circonscription,
    EnqueteSatisfaction,
    Etudiant,
    Indicateur,
    ItemSatisfaction,
    PartieDeux,
    Valeur,
)

DOMAINES = [
    ("domaine_acces_soins", 0.47),
    ("domaine_maintien_emploi", 0.07),
    ("domaine_retour_emploi", 0.10),
    ("domaine_personnes_agees", 0.24),
    ("domaine_malades_handicapees", 0.115),
]


def _split(total, shares, rng):
    """Integers summing exactly to `total`, roughly in the given shares."""
    parts = [int(total * share * rng.uniform(0.9, 1.1)) for share in shares]
    parts.append(max(total - sum(parts), 0))
    return parts


def _region_figures(rng, individuel):
    """The region-wide figures of one year, consistent with the rules."""
    termines = int(individuel * rng.uniform(0.12, 0.16))
    atteints = int(termines * rng.uniform(0.7, 0.82))
    appels = int(individuel * rng.uniform(0.4, 0.46))
    immediats = int(appels * rng.uniform(0.88, 0.95))
    saisines = int(individuel * rng.uniform(0.65, 0.72))
    offres = int(saisines * rng.uniform(0.95, 0.99))
    conseil, mediation, accompagnement = _split(individuel, [0.57, 0.27], rng)
    info, groupes, isic = rng.randint(40, 80), rng.randint(12, 25), rng.randint(4, 10)
    offre, tiers, spontanee = _split(individuel, [0.54, 0.29], rng)
    return {
        "personnes_aidees_collectif": int(individuel * rng.uniform(0.13, 0.17)),
        "personnes_aidees_non_reparties": rng.choice([0, 0, 3, 8]),
        "type_conseil": conseil,
        "type_mediation": mediation,
        "type_accompagnement": accompagnement,
        "accompagnements_termines": termines,
        "objectifs_atteints": atteints,
        "objectifs_partiels": int((termines - atteints) * rng.uniform(0.5, 0.75)),
        "collectif_info_actions": info,
        "collectif_info_beneficiaires": info * rng.randint(11, 16),
        "collectif_groupes_actions": groupes,
        "collectif_groupes_beneficiaires": groupes * rng.randint(9, 14),
        "collectif_isic_actions": isic,
        "collectif_isic_beneficiaires": isic * rng.randint(18, 28),
        "origine_offre_service": offre,
        "origine_tiers": tiers,
        "origine_spontanee": spontanee,
        "offres_service_emises": int(offre * rng.uniform(1.4, 1.6)),
        "appels_nouveaux_demandeurs": appels,
        "appels_traites_immediatement": immediats,
        "appels_traites_24h": int((appels - immediats) * rng.uniform(0.8, 1.0)),
        "saisines_recues": saisines,
        "saisines_offre_service": offres,
        "saisines_offre_3_jours": int(offres * rng.uniform(0.6, 0.7)),
        "saisines_contact": int(offres * rng.uniform(0.8, 0.9)),
        "publics_precarite": int(individuel * rng.uniform(0.24, 0.28)),
    }


def fill_partie_deux(regions, exercices, progress=None):
    indicateurs = {i.code: i for i in Indicateur.objects.filter(nature="donnee")}
    if not indicateurs:
        return
    rapports = list(
        RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices).select_related("caisse", "exercice")
    )
    done = set(Valeur.objects.filter(rapport__in=rapports).values_list("rapport_id", flat=True).distinct())
    cpams_by_region = {}
    for cpam in Caisse.objects.primaires().filter(parent__in=regions).order_by("code"):
        cpams_by_region.setdefault(cpam.parent_id, []).append(cpam)
    valeurs, etudiants, circonscriptions, textes, enquetes = [], [], [], [], []
    for rapport in rapports:
        if rapport.pk in done:
            continue
        annee = rapport.exercice.annee
        rng = random.Random(f"{rapport.caisse.code}-{annee}")  # noqa: S311 — demo figures, not secrets
        growth = 1 + 0.04 * (annee - 2020) + rng.uniform(-0.02, 0.02)
        cpams = cpams_by_region.get(rapport.caisse_id, [])
        individuel = 0
        for position, cpam in enumerate(cpams):
            size = int((2600 - 300 * (position % 4)) * growth * rng.uniform(0.9, 1.1))
            parts = _split(size, [share for _code, share in DOMAINES], rng)
            non_repartis = rng.randint(0, 4)
            parts[-1] = non_repartis
            for (code, _share), value in zip(DOMAINES + [("domaine_non_repartis", 0)], parts, strict=True):
                valeurs.append(
                    Valeur(rapport=rapport, indicateur=indicateurs[code], caisse=cpam, valeur=Decimal(value))
                )
                individuel += value
        figures = {"personnes_aidees_individuel": individuel, **_region_figures(rng, max(individuel, 1000))}
        for code, value in figures.items():
            valeurs.append(Valeur(rapport=rapport, indicateur=indicateurs[code], valeur=Decimal(value)))
        textes.append(
            PartieDeux(
                rapport=rapport,
                evolution_nature_activites="Part croissante des offres de service aux assurés en arrêt de travail.",
                etudiants_commentaire="Accueil de stagiaires de deuxième et troisième année.",
                coordination_commentaire="Convention de coordination avec le conseil départemental ; "
                "réunions trimestrielles avec les centres communaux d'action sociale.",
                autres_activites="Participation au comité local de santé et aux instances de prévention.",
            )
        )
        etudiants.append(
            Etudiant(
                rapport=rapport,
                ecole="Institut régional du travail social",
                nombre=rng.randint(2, 8),
                duree_semaines=Decimal(rng.choice([8, 10, 12])),
            )
        )
        for position, cpam in enumerate(cpams[:3]):
            circonscriptions.append(
                Circonscription(
                    rapport=rapport,
                    nom=f"Circonscription {cpam.nom.removeprefix('CPAM ')}",
                    territoire=f"Ressort de la {cpam.nom}",
                    referent="Assistant(e) social(e) référent(e)",
                    ordre=position,
                )
            )
        if annee % 2 == 0:
            enquetes.append(
                (
                    EnqueteSatisfaction(
                        rapport=rapport,
                        periode=f"novembre {annee}",
                        echantillon=rng.randint(800, 1500),
                        taux_reponse=Decimal(str(round(rng.uniform(25, 40), 1))),
                        organisme="Cabinet d'études régional",
                    ),
                    rng.randint(84, 92),
                    rng.randint(30, 45),
                )
            )
    Valeur.objects.bulk_create(valeurs)
    PartieDeux.objects.bulk_create(textes, ignore_conflicts=True)
    Etudiant.objects.bulk_create(etudiants)
    Circonscription.objects.bulk_create(circonscriptions)
    EnqueteSatisfaction.objects.bulk_create([e for e, _s, _t in enquetes])
    ItemSatisfaction.objects.bulk_create(
        item
        for enquete, satisfaits, tres in enquetes
        for item in (
            ItemSatisfaction(
                enquete=enquete,
                dimension="Qualité globale du service rendu",
                satisfaits_pct=Decimal(satisfaits),
                tres_satisfaits_pct=Decimal(tres),
                ordre=0,
            ),
            ItemSatisfaction(
                enquete=enquete,
                dimension="Qualité de l'écoute",
                satisfaits_pct=Decimal(min(satisfaits + 4, 100)),
                tres_satisfaits_pct=Decimal(tres + 10),
                ordre=1,
            ),
        )
    )
