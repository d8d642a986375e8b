"""« Chiffres clés » and the cover: figures taken from the report's own context, evolutions in % or points."""

import datetime
from decimal import Decimal

from django.utils import timezone

from activites.models import EnqueteSatisfaction, ItemSatisfaction
from caisses import numbers
from caisses.models import RapportAnnuel
from rapports import chiffres_cles
from rapports.report import ReportContext

NBSP = "\u00a0"


def context(rapport):
    ctx = ReportContext(rapport)
    ctx.preload()
    return ctx


def rows(tableau):
    return {ligne[0]: [cell.replace(NBSP, " ") for cell in ligne[1:]] for ligne in tableau.lignes}


def test_key_figures_are_the_report_figures_and_cost_no_query(exemple, django_assert_num_queries):
    ctx = context(exemple)
    with django_assert_num_queries(0):
        personnes, domaines, moyens, graphique = chiffres_cles.chiffres_cles(ctx)
    par_code = ctx.partie_2.by_code()
    total = par_code["personnes_aidees_total"]
    assert rows(personnes)["Personnes aidées"][:2] == [
        numbers.format_nombre(total.n).replace(NBSP, " "),
        numbers.format_nombre(total.n1).replace(NBSP, " "),
    ]
    # Hand values of the example (test_report): access to care 4 210 in 2025, 3 915 in 2024, +7,54 %.
    assert rows(domaines)["Accès aux soins"] == ["4 210", "3 915", "+7,54 %"]
    assert [colonne for colonne, _num in personnes.colonnes] == ["Chiffre clé", "2025", "2024", "Évolution"]
    moyens_rows = rows(moyens)
    assert moyens_rows["Effectif réel au 31 décembre (ETP)"][0] == "62,3"  # as I.1 prints it
    assert moyens_rows["Temps passé en formation"][0] == "1,1 %"
    assert graphique.image.startswith("data:image/svg+xml;base64,")
    assert [ligne[0] for ligne in graphique.tableau.lignes] == [
        "Personnes aidées individuellement",
        "Personnes aidées collectivement",
    ]


def test_satisfaction_rows_come_from_the_survey(org, exemple):
    EnqueteSatisfaction.objects.filter(rapport=exemple).delete()
    enquete = EnqueteSatisfaction.objects.create(
        rapport=exemple, periode="octobre", echantillon=300, taux_reponse=Decimal("31.47")
    )
    ItemSatisfaction.objects.create(enquete=enquete, dimension="Accueil", satisfaits_pct=Decimal("88.5"))
    exemple = RapportAnnuel.objects.get(pk=exemple.pk)
    moyens = rows(chiffres_cles.chiffres_cles(context(exemple))[2])
    assert moyens["Enquête de satisfaction : taux de réponse"][0].startswith("31,")
    assert moyens["Satisfaits : Accueil"][0] == "88,5 %"


def test_an_empty_report_says_what_it_lacks(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    blocs = chiffres_cles.chiffres_cles(context(rapport))
    moyens = rows(next(bloc for bloc in blocs if bloc.legende.startswith("Moyens")))
    assert moyens["Effectif réel au 31 décembre (ETP)"] == ["—", "—", "—"]
    assert moyens["Temps passé en formation"][0] == "—"
    assert moyens["Enquête de satisfaction (II.4)"][0] == "pas d'enquête"
    assert not any(bloc.kind == "graphique" for bloc in blocs)  # nothing to draw


def test_a_rate_evolves_in_points_and_a_count_in_percent():
    points = chiffres_cles._evolution(Decimal("70.9"), Decimal("75.6"), taux=True).replace(NBSP, " ")
    assert points.endswith("pts") and "4,7" in points and "%" not in points
    assert chiffres_cles._evolution(Decimal(110), Decimal(100)).replace(NBSP, " ") == "+10,00 %"
    assert chiffres_cles._evolution(Decimal(5), None, taux=True) == numbers.NON_CALCULABLE


# --- The cover ----------------------------------------------------------------------------------------------


def test_cover_of_a_draft_and_of_a_report_never_transmitted(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    assert chiffres_cles.couverture(rapport) == chiffres_cles.Couverture("brouillon", "non transmis")
    # Put in a state by hand, without any transmission: nothing to date.
    rapport.etat = RapportAnnuel.Etat.TRANSMIS
    assert chiffres_cles.couverture(rapport) == chiffres_cles.Couverture("transmis", "non transmis")


def test_cover_of_the_copy_being_frozen_uses_its_own_date():
    date = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 0))
    cover = chiffres_cles.couverture(RapportAnnuel(), {"numero": 2, "date": date})
    assert cover.etat.replace(NBSP, " ") == "transmis le 3 mars 2026"
    assert cover.transmission.replace(NBSP, " ") == "n° 2 du 3 mars 2026"
