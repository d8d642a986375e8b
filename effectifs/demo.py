"""Part I of the demo set: plausible, varied figures for every region and exercice, staff moving over the years.

Idempotent (a report that already has effectifs is left alone) and fast (bulk_create, a few queries per report).
"""

import datetime
import random
from collections import Counter
from decimal import Decimal

from caisses.models import Caisse, RapportAnnuel, Site

from .models import (
    Absence,
    Affectation,
    Boursier,
    Categorie,
    Convention,
    Effectif,
    EtatLocaux,
    Formation,
    Installation,
    Mouvement,
    Reunion,
    ReunionAutreService,
)

CENTIEME = Decimal("0.01")
DEPART_MOTIFS = ["retraite", "retraite", "mutation", "demission", "fin_contrat", "autre"]
FORMATIONS = [
    ("formation", "Prévention de la désinsertion professionnelle", "Institut régional du travail social"),
    ("perfectionnement", "Entretien d'aide et accompagnement social", "Organisme de formation interne"),
    (
        "formation",
        "Accès aux droits et aux soins des publics précaires",
        "École nationale supérieure de la Sécurité sociale",
    ),
    ("perfectionnement", "Animation de groupes et interventions collectives", "Institut régional du travail social"),
    ("complementaire", "Diplôme de cadre de l'intervention sociale", "Université régionale"),
    ("formation", "Accompagnement des assurés en arrêt de travail long", "Service médical régional"),
]
MOYENS = (
    "Chaque assistant social dispose d'un ordinateur portable et d'un téléphone mobile ; "
    "véhicules de service partagés par unité locale."
)
LOCAUX = [
    "Locaux accessibles aux personnes à mobilité réduite ; un bureau fermé pour les entretiens.",
    "Locaux vétustes, une rénovation est demandée.",
    "Bureau partagé avec l'accueil de la caisse primaire : la confidentialité des entretiens est difficile.",
]
ECOLES = ["Institut régional du travail social", "École de service social", "Institut de formation en travail social"]


def _etp(count, rate):
    return (Decimal(count) * Decimal(str(rate))).quantize(CENTIEME)


def _split(total, parts, rng):
    """`total` ETP spread over `parts` units, summing exactly to it."""
    if not parts:
        return []
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    shares = [(total * Decimal(str(w / sum(weights)))).quantize(CENTIEME) for w in weights]
    shares[-1] = total - sum(shares[:-1])
    return shares


def fill_partie_1(regions, exercices, progress=None):
    categories = {c.code: c for c in Categorie.objects.all()}
    if not {"as_cadres", "as", "secretariat", "autre"} <= set(categories):
        return
    exercices = sorted(exercices, key=lambda e: e.annee)
    rapports = {
        (r.caisse_id, r.exercice_id): r
        for r in RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices)
    }
    done = set(Effectif.objects.filter(rapport__in=rapports.values()).values_list("rapport_id", flat=True))
    cpams_of, sites_of = {}, {}
    for cpam in Caisse.objects.primaires().filter(parent__in=regions).order_by("code"):
        cpams_of.setdefault(cpam.parent_id, []).append(cpam)
    for region in regions:
        sites_of[region.pk] = list(Site.objects.of_region(region).order_by("code"))
    rows = {model: [] for model in (Effectif, Affectation, Mouvement, Absence, Boursier, Installation, Convention)}
    rows[EtatLocaux] = []
    rows.update({Formation: [], Reunion: [], ReunionAutreService: []})

    for region in regions:
        rng = random.Random(f"partie-1-{region.code}")
        cpams = cpams_of.get(region.pk, [])
        size = max(len(cpams), 1)
        staff = {
            "as_cadres": size + rng.randint(0, 2),
            "as": size * rng.randint(6, 10),
            "secretariat": size * rng.randint(3, 5),
            "autre": rng.randint(1, 3),
        }
        rates = {"as_cadres": 0.97, "as": rng.uniform(0.86, 0.94), "secretariat": rng.uniform(0.82, 0.9), "autre": 0.8}
        ages = {"as_cadres": 51.0, "as": rng.uniform(39, 45), "secretariat": rng.uniform(43, 49), "autre": 40.0}
        for exercice in exercices:
            rapport = rapports.get((region.pk, exercice.pk))
            moves = {}
            for code in staff:
                hires = rng.randint(0, 3) if code in ("as", "secretariat") else rng.randint(0, 1)
                leaves = rng.randint(0, 3) if code in ("as", "secretariat") else rng.randint(0, 1)
                leaves = min(leaves, staff[code] + hires - 1)
                moves[code] = (hires, leaves)
            if rapport is None or rapport.pk in done:
                for code, (hires, leaves) in moves.items():
                    staff[code] += hires - leaves
                continue
            year_rng = random.Random(f"partie-1-{region.code}-{exercice.annee}")
            total_etp = Decimal(0)
            for code, (hires, leaves) in moves.items():
                theorique = staff[code]
                reel = theorique + hires - leaves
                staff[code] = reel
                reel_etp = _etp(reel, rates[code])
                total_etp += reel_etp
                ages[code] = min(max(ages[code] + year_rng.uniform(-0.8, 1.0), 30), 58)
                rows[Effectif].append(
                    Effectif(
                        rapport=rapport,
                        categorie=categories[code],
                        theorique_effectif=theorique,
                        theorique_etp=_etp(theorique, rates[code]),
                        reel_effectif=reel,
                        reel_etp=reel_etp,
                        age_moyen=Decimal(str(round(ages[code], 1))),
                    )
                )
                if hires:
                    rows[Mouvement].append(
                        Mouvement(rapport=rapport, categorie=categories[code], type="embauche", nombre=hires)
                    )
                for motif, count in sorted(Counter(year_rng.choice(DEPART_MOTIFS) for _ in range(leaves)).items()):
                    rows[Mouvement].append(
                        Mouvement(rapport=rapport, categorie=categories[code], type="depart", motif=motif, nombre=count)
                    )
                if code in ("as", "secretariat"):
                    for cpam, share in zip(cpams, _split(reel_etp, len(cpams), year_rng), strict=True):
                        rows[Affectation].append(
                            Affectation(rapport=rapport, caisse_primaire=cpam, categorie=categories[code], etp=share)
                        )
            days = exercice.jours_theoriques_travail
            for motif, rate in (
                ("maladie", 0.045),
                ("maternite", 0.012),
                ("accident_travail", 0.003),
                ("autre", 0.004),
            ):
                jours = (total_etp * days * Decimal(str(rate * year_rng.uniform(0.7, 1.3)))).quantize(Decimal("0.5"))
                rows[Absence].append(Absence(rapport=rapport, motif=motif, jours=jours))
            for _ in range(year_rng.randint(0, 2)):
                rows[Boursier].append(
                    Boursier(
                        rapport=rapport,
                        nombre=year_rng.randint(1, 3),
                        ecole=year_rng.choice(ECOLES),
                        annee_etudes=year_rng.randint(2, 3),
                    )
                )
            rows[Installation].append(
                Installation(
                    rapport=rapport,
                    moyens_materiels=MOYENS,
                    vehicules=len(cpams) * 2 + year_rng.randint(0, 2),
                    postes_informatiques=sum(staff.values()) + year_rng.randint(0, 4),
                    telephones=sum(staff.values()) - year_rng.randint(0, 3),
                    ameliorations_obtenues=year_rng.choice(
                        [
                            "Rénovation de l'accueil d'une unité locale.",
                            "Accès à la visioconférence dans toutes les unités.",
                            "",
                        ]
                    ),
                    ameliorations_necessaires=year_rng.choice(
                        [
                            "Un bureau de consultation confidentiel dans chaque point d'accueil.",
                            "Des véhicules plus récents.",
                            "",
                        ]
                    ),
                )
            )
            for index, site in enumerate(sites_of[region.pk]):
                # Some sites are renovated some year: their description changes from that year's report on.
                renovated = index % 3 != 0 or exercice.annee >= exercices[0].annee + 2 + index % 5
                texte = LOCAUX[0] if renovated else LOCAUX[1 + index % 2]
                rows[EtatLocaux].append(EtatLocaux(rapport=rapport, site=site, texte=texte))
            for index, cpam in enumerate(cpams):
                rows[Convention].append(
                    Convention(
                        rapport=rapport,
                        caisse_primaire=cpam,
                        date_signature=datetime.date(exercice.annee, 1 + index % 12, 10 + index % 15),
                        objet="Mise à disposition de locaux et participation aux frais de secrétariat",
                        montant_participation=Decimal(year_rng.randrange(12000, 60000, 500)),
                    )
                )
            as_etp = sum((e.reel_etp for e in rows[Effectif][-4:] if e.categorie.est_assistant_social), Decimal(0))
            for nature, intitule, organisme in year_rng.sample(FORMATIONS, year_rng.randint(3, 5)):
                participants = year_rng.randint(1, max(2, int(as_etp // 2)))
                jours = Decimal(participants * year_rng.choice([2, 3, 4, 5])) + (
                    Decimal("0.5") if year_rng.random() < 0.3 else 0
                )
                rows[Formation].append(
                    Formation(
                        rapport=rapport,
                        nature=nature,
                        intitule=intitule,
                        organisme=organisme,
                        participants=participants,
                        jours=jours,
                    )
                )
            rows[Reunion].append(
                Reunion(
                    rapport=rapport,
                    niveau="regional",
                    periodicite="trimestrielle",
                    nombre=4,
                    contenu="Orientations régionales, suivi des objectifs, échanges de pratiques.",
                )
            )
            rows[Reunion].append(
                Reunion(
                    rapport=rapport,
                    niveau="local",
                    periodicite="mensuelle",
                    nombre=year_rng.randint(9, 11),
                    contenu="Organisation des permanences, études de situations.",
                )
            )
            rows[ReunionAutreService].append(
                ReunionAutreService(
                    rapport=rapport,
                    service="Service médical",
                    objectifs="Repérage des assurés en arrêt de travail long",
                    nombre=year_rng.randint(3, 8),
                )
            )
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=1000)
    if callable(progress):
        progress(f"Partie I : {len(rows[Effectif]) // 4} rapports remplis.")
