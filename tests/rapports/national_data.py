"""A small national dataset with figures known by hand (see NATIONAL below), shared by the national-view tests.

Three regions for exercice 2025 (org.exercice, 208 theoretical days):
- CARSAT-T1 (transmis): individuel 100 (CPAM-T11) + 50 (CPAM-T12) + 10 (site UL-T11) = 160; collectif 20 (CPAM-T11)
  + 15 (region as a whole) = 35; non répartis 5 (CPAM-T12) → 200 people helped. Staff réel ETP: AS cadres 2,
  AS 8, secrétariat 3,5 → 13,5 ETP of which 10 of social workers. Training 10 + 10,8 = 20,8 days
  → 20,8 / (10 × 208) × 100 = 1,0 %. People helped per social worker ETP: 200 / 10 = 20.
  In 2024: individuel 150 + collectif 10 = 160 people helped → evolution +25 %.
- CARSAT-T2 (brouillon): individuel 300, collectif 60 → 360. Staff: AS 15, secrétariat 5 → 20 ETP, 15 of social
  workers. Training 62,4 days → 62,4 / (15 × 208) × 100 = 2,0 %. 360 / 15 = 24 per ETP. No 2024 report.
- CARSAT-T3: no report at all.
National: 560 people helped (460 individual, 95 collective), 160 in 2024 → +250 %; 33,5 ETP, 25 of social workers;
83,2 training days → 83,2 / (25 × 208) × 100 = 1,6 %; 560 / 25 = 22,4 per ETP (not the mean of 20 and 24: 22).
"""

import datetime
from decimal import Decimal

from activites.models import Indicateur, Valeur
from caisses.models import Caisse, RapportAnnuel
from effectifs.models import Categorie, Effectif, Formation
from tests.factories import CaisseFactory

D = Decimal

NATIONAL = {
    "personnes": D(560),
    "individuel": D(460),
    "collectif": D(95),
    "personnes_n1": D(160),
    "etp_reel": D("33.5"),
    "etp_as": D(25),
    "jours_formation": D("83.2"),
    "taux_formation": D("1.6"),
    "par_etp": D("22.4"),
}


def valeurs(rapport, rows):
    """rows: [(unit: Caisse, Site or None, indicator code, value)]."""
    indicateurs = {i.code: i for i in Indicateur.objects.all()}
    for unit, code, value in rows:
        kwargs = {}
        if isinstance(unit, Caisse):
            kwargs["caisse"] = unit
        elif unit is not None:
            kwargs["site"] = unit
        Valeur.objects.create(rapport=rapport, indicateur=indicateurs[code], valeur=D(value), **kwargs)


def effectifs(rapport, etp_by_category):
    categories = {c.code: c for c in Categorie.objects.all()}
    for code, etp in etp_by_category.items():
        Effectif.objects.create(
            rapport=rapport,
            categorie=categories[code],
            theorique_effectif=int(D(etp)),
            theorique_etp=D(etp),
            reel_effectif=int(D(etp)),
            reel_etp=D(etp),
        )


def formations(rapport, days):
    for index, jours in enumerate(days):
        Formation.objects.create(
            rapport=rapport, nature="formation", intitule=f"Action {index + 1}", participants=3, jours=D(jours)
        )


def build_national(org, third_region_name="CARSAT Test Trois"):
    """The dataset described above; the exercice's due date is yesterday, so untransmitted reports are late."""
    org.exercice.date_limite = datetime.date.today() - datetime.timedelta(days=1)
    org.exercice.save()
    third = CaisseFactory(code="CARSAT-T3", nom=third_region_name, type=Caisse.Type.REGIONALE, parent=org.nationale)
    cpam11, cpam12 = org.cpams
    r1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=RapportAnnuel.Etat.TRANSMIS)
    valeurs(
        r1,
        [
            (cpam11, "personnes_aidees_individuel", 100),
            (cpam11, "personnes_aidees_collectif", 20),
            (cpam12, "personnes_aidees_individuel", 50),
            (cpam12, "personnes_aidees_non_reparties", 5),
            (org.sites[0], "personnes_aidees_individuel", 10),
            (None, "personnes_aidees_collectif", 15),
        ],
    )
    effectifs(r1, {"as_cadres": 2, "as": 8, "secretariat": "3.5"})
    formations(r1, [10, "10.8"])
    r1_n1 = RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
    valeurs(r1_n1, [(cpam11, "personnes_aidees_individuel", 150), (None, "personnes_aidees_collectif", 10)])

    r2 = RapportAnnuel.objects.create(caisse=org.other_region, exercice=org.exercice)
    valeurs(
        r2,
        [(org.other_cpam, "personnes_aidees_individuel", 300), (org.other_cpam, "personnes_aidees_collectif", 60)],
    )
    effectifs(r2, {"as": 15, "secretariat": 5})
    formations(r2, ["62.4"])
    return {"t1": r1, "t2": r2, "t3": third}
