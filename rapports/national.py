"""The national view of one exercice: every region's report side by side, with national totals and ratios.

`synthese_nationale(annee)` is the one entry point; the page, the spreadsheet, the CSV and the synthesis PDF
draw from it, in a fixed number of queries whatever the number of regions. The figures come from the data
apps — Part II totals from `activites.aggregation.tableau_national`, staff ETP and the training rate from
`effectifs` (PartieUn and `formulas.taux_formation`), section completeness from `rapports.plan`. The only
figure this module computes is the national view's own ratio: people helped per ETP of social worker.
National ratios are computed from the national totals, never averaged over regions.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404

from caisses import numbers
from caisses.models import Caisse, Exercice, RapportAnnuel
from caisses.plan import SECTIONS, EtatSection, section_states_many

PERSONNES_TOTAL = "personnes_aidees_total"
PERSONNES_INDIVIDUEL = "personnes_aidees_individuel"
PERSONNES_COLLECTIF = "personnes_aidees_collectif"


def par_etp(personnes, etp):
    """People helped per ETP of social worker; None ("non calculable") without people or without staff."""
    if personnes is None or etp is None or etp == 0:
        return None
    return Decimal(personnes) / Decimal(etp)


def _sum(values):
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


@dataclass
class Chiffres:
    """The key figures of one region (or of the nation) for one exercice; None where nothing was entered."""

    personnes_aidees: Decimal | None = None
    individuel: Decimal | None = None
    collectif: Decimal | None = None
    etp_reel: Decimal | None = None
    etp_assistants_sociaux: Decimal | None = None
    jours_formation: Decimal | None = None
    taux_formation: Decimal | None = None
    jours_absence: Decimal | None = None
    taux_absenteisme: Decimal | None = None

    @property
    def personnes_par_etp(self):
        return par_etp(self.personnes_aidees, self.etp_assistants_sociaux)

    @property
    def part_collectif(self):
        """People helped collectively, in % of people helped (individually + collectively + not split)."""
        if self.collectif is None or not self.personnes_aidees:
            return None
        return Decimal(self.collectif) * 100 / Decimal(self.personnes_aidees)


def chiffres_region(partie_2, partie_1):
    """A region's key figures from its Part II totals ({code: value}) and its PartieUn (or None)."""
    partie_2 = partie_2 or {}
    has_staff = partie_1 is not None and bool(partie_1.lignes)
    return Chiffres(
        personnes_aidees=partie_2.get(PERSONNES_TOTAL),
        individuel=partie_2.get(PERSONNES_INDIVIDUEL),
        collectif=partie_2.get(PERSONNES_COLLECTIF),
        etp_reel=partie_1.etp_reel if has_staff else None,
        etp_assistants_sociaux=partie_1.etp_assistants_sociaux if has_staff else None,
        jours_formation=partie_1.jours_formation if partie_1 is not None and partie_1.formations else None,
        taux_formation=partie_1.taux_formation if has_staff else None,
        jours_absence=partie_1.jours_absence if partie_1 is not None and partie_1.absences else None,
        taux_absenteisme=partie_1.taux_absenteisme if has_staff and partie_1.absences else None,
    )


def chiffres_nation(national_2, regions, jours_theoriques):
    """The nation's key figures: Part II from the aggregation module, staff summed, rates from those totals."""
    from effectifs import formulas

    national_2 = national_2 or {}
    etp_as = _sum(c.etp_assistants_sociaux for c in regions)
    jours = _sum(c.jours_formation for c in regions)
    etp_reel = _sum(c.etp_reel for c in regions)
    absences = _sum(c.jours_absence for c in regions)
    return Chiffres(
        personnes_aidees=national_2.get(PERSONNES_TOTAL),
        individuel=national_2.get(PERSONNES_INDIVIDUEL),
        collectif=national_2.get(PERSONNES_COLLECTIF),
        etp_reel=etp_reel,
        etp_assistants_sociaux=etp_as,
        jours_formation=jours,
        taux_formation=formulas.taux_formation(jours or 0, etp_as or 0, jours_theoriques) if etp_as else None,
        jours_absence=absences,
        taux_absenteisme=(
            formulas.taux_absenteisme(absences, etp_reel, jours_theoriques)
            if absences is not None and etp_reel
            else None
        ),
    )


@dataclass
class LigneRegion:
    """One region in the national view."""

    region: Caisse
    rapport: RapportAnnuel  # unsaved (brouillon) while nobody opened the report
    en_retard: bool
    sections: dict  # {section code: EtatSection value}
    n: Chiffres
    n1: Chiffres

    @property
    def etat(self):
        return self.rapport.etat

    @property
    def etat_libelle(self):
        if self.rapport.pk is None:
            return "Non commencé"
        return self.rapport.get_etat_display()

    @property
    def sections_completes(self):
        return sum(1 for state in self.sections.values() if state == EtatSection.COMPLET)

    @property
    def sections_detail(self):
        """[(Section, state, label)] in the plan's order."""
        return [(SECTIONS[code], state, EtatSection.LABELS[state]) for code, state in self.sections.items()]

    @property
    def evolution_personnes(self):
        return numbers.evolution(self.n.personnes_aidees, self.n1.personnes_aidees)


@dataclass
class SyntheseNationale:
    exercice: Exercice
    exercice_n1: Exercice | None
    lignes: list  # [LigneRegion], by region code
    total: Chiffres
    total_n1: Chiffres
    tableau: object  # activites.aggregation.TableauNational of the exercice (every indicator × region)
    today: object = None
    nombre_sections: int = field(default=len(SECTIONS))

    @property
    def annee(self):
        return self.exercice.annee

    @property
    def sections_possibles(self):
        return self.nombre_sections * len(self.lignes)

    @property
    def transmis(self):
        return sum(1 for ligne in self.lignes if ligne.rapport.is_transmitted)

    @property
    def en_retard(self):
        return sum(1 for ligne in self.lignes if ligne.en_retard)


def synthese_nationale(annee, today=None):
    """Every region's report of exercice `annee` with its key figures, N−1 and the national totals; 404 if unknown.

    A fixed number of queries: exercices, regions, reports (both years), Part I (2), Part II (2 per year), and the
    section states (one or two per section).
    """
    from activites import aggregation
    from effectifs.queries import parties_1_resumees

    exercices = {e.annee: e for e in Exercice.objects.filter(annee__in=(annee, annee - 1))}
    if annee not in exercices:
        raise Http404("Exercice inconnu.")
    exercice, exercice_n1 = exercices[annee], exercices.get(annee - 1)
    regions = list(Caisse.objects.regionales().order_by("code"))
    rapports = list(
        RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices.values()).select_related(
            "caisse", "exercice"
        )
    )
    parties_1 = parties_1_resumees(rapports)
    by_key = {(r.caisse_id, r.exercice.annee): r for r in rapports}
    tableau = aggregation.tableau_national(annee)
    tableau_n1 = aggregation.tableau_national(annee - 1) if exercice_n1 else None
    rapports_n = [r for r in rapports if r.exercice_id == exercice.pk]
    states = section_states_many(rapports_n)
    empty_states = dict.fromkeys(SECTIONS, EtatSection.VIDE)

    lignes = []
    for region in regions:
        rapport = by_key.get((region.pk, annee)) or RapportAnnuel(caisse=region, exercice=exercice)
        rapport_n1 = by_key.get((region.pk, annee - 1))
        lignes.append(
            LigneRegion(
                region=region,
                rapport=rapport,
                en_retard=rapport.is_late(today),
                sections=states.get(rapport.pk, empty_states),
                n=chiffres_region(tableau.par_region.get(region.pk), parties_1.get(rapport.pk)),
                n1=chiffres_region(
                    tableau_n1.par_region.get(region.pk) if tableau_n1 else None,
                    parties_1.get(rapport_n1.pk) if rapport_n1 else None,
                ),
            )
        )
    return SyntheseNationale(
        exercice=exercice,
        exercice_n1=exercice_n1,
        lignes=lignes,
        total=chiffres_nation(tableau.national, [ligne.n for ligne in lignes], exercice.jours_theoriques_travail),
        total_n1=chiffres_nation(
            tableau_n1.national if tableau_n1 else None,
            [ligne.n1 for ligne in lignes],
            exercice_n1.jours_theoriques_travail if exercice_n1 else 0,
        ),
        tableau=tableau,
        today=today,
    )


def regions_de_l_exercice(exercice):
    """Every region's report and key figures of one exercice, without N−1 nor section states: [LigneRegion].

    In 8 queries whatever the number of regions, for pages that place one region among the others.
    """
    from activites import aggregation
    from effectifs.queries import parties_1_resumees

    regions = list(Caisse.objects.regionales().order_by("code"))
    rapports = {
        r.caisse_id: r
        for r in RapportAnnuel.objects.filter(caisse__in=regions, exercice=exercice).select_related(
            "caisse", "exercice"
        )
    }
    parties_1 = parties_1_resumees(list(rapports.values()))
    tableau = aggregation.tableau_national(exercice.annee)
    lignes = []
    for region in regions:
        rapport = rapports.get(region.pk) or RapportAnnuel(caisse=region, exercice=exercice)
        n = chiffres_region(tableau.par_region.get(region.pk), parties_1.get(rapport.pk))
        lignes.append(LigneRegion(region, rapport, en_retard=False, sections={}, n=n, n1=Chiffres()))
    return lignes


# --- The national totals table and the charts ---------------------------------------------------------------


def totaux_nationaux(synthese):
    """[(label, N, N−1, decimals, is_rate)] of the national totals and ratios, for the N / N−1 / evolution table."""
    n, n1 = synthese.total, synthese.total_n1
    return [
        ("Personnes aidées", n.personnes_aidees, n1.personnes_aidees, 0, False),
        ("dont individuellement", n.individuel, n1.individuel, 0, False),
        ("dont collectivement", n.collectif, n1.collectif, 0, False),
        ("ETP réel au 31 décembre", n.etp_reel, n1.etp_reel, 2, False),
        ("dont ETP d'assistants sociaux", n.etp_assistants_sociaux, n1.etp_assistants_sociaux, 2, False),
        ("Jours de formation", n.jours_formation, n1.jours_formation, 1, False),
        ("Temps passé en formation", n.taux_formation, n1.taux_formation, 1, True),
        ("Personnes aidées par ETP d'assistant social", n.personnes_par_etp, n1.personnes_par_etp, 1, False),
    ]


def variation_texte(n, n1, is_rate, decimals=1):
    """A rate's evolution in points (at the rate's printed decimals), a count's or an amount's in %."""
    if is_rate:
        return numbers.format_variation(n, n1, numbers.TAUX, decimals)
    return numbers.format_variation(n, n1, numbers.NOMBRE)


def tableau_totaux(synthese):
    from .report import Tableau

    def fmt(value, decimals, is_rate):
        return numbers.format_pourcent(value, decimals) if is_rate else numbers.format_nombre(value, decimals)

    annee = synthese.annee
    return Tableau(
        colonnes=[("Chiffre clé", False), (str(annee), True), (str(annee - 1), True), ("Évolution", True)],
        lignes=[
            [label, fmt(n, decimals, rate), fmt(n1, decimals, rate), variation_texte(n, n1, rate, decimals)]
            for label, n, n1, decimals, rate in totaux_nationaux(synthese)
        ],
        legende=f"Totaux et ratios nationaux, exercice {annee} et {annee - 1} (ratios calculés sur les totaux)",
    )


def _graphique(lignes, total, titre, legende, series, ylabel, mesures):
    """A horizontal bar chart of the regions and its data table (with the national row).

    series: [(label, Chiffres → value)] drawn; mesures: [(label, Chiffres → text)] the table's columns.
    """
    from . import charts
    from .report import Graphique, Tableau

    return Graphique(
        titre=titre,
        legende=legende,
        image=charts.bar_chart(
            [ligne.region.nom for ligne in lignes],
            [(label, [value(ligne.n) for ligne in lignes]) for label, value in series],
            ylabel=ylabel,
            horizontal=True,
        ),
        tableau=Tableau(
            colonnes=[("Caisse régionale", False), *((label, True) for label, _text in mesures)],
            lignes=[[ligne.region.nom, *(text(ligne.n) for _label, text in mesures)] for ligne in lignes],
            total=["France entière", *(text(total) for _label, text in mesures)],
            legende=titre,
        ),
    )


def graphiques(synthese, lignes):
    """Charts comparing the regions (in the order of `lignes`), each with its caption and data table."""
    if not lignes:
        return []
    annee, total = synthese.annee, synthese.total

    def nombre(attribute, decimals=0):
        return lambda chiffres: numbers.format_nombre(getattr(chiffres, attribute), decimals)

    def pourcent(chiffres):
        return numbers.format_pourcent(chiffres.taux_formation, 1)

    etp_as = ("ETP d'assistants sociaux", nombre("etp_assistants_sociaux", 2))
    definitions = [
        (
            "Personnes aidées par région",
            f"Personnes aidées individuellement et collectivement par région, exercice {annee}.",
            [("Individuellement", lambda c: c.individuel), ("Collectivement", lambda c: c.collectif)],
            "personnes",
            [("Individuellement", nombre("individuel")), ("Collectivement", nombre("collectif"))],
        ),
        (
            "Personnes aidées par ETP d'assistant social",
            f"Personnes aidées par ETP d'assistant social au 31 décembre, exercice {annee} ; "
            f"France entière : {numbers.format_nombre(total.personnes_par_etp, 1)}.",
            [("Personnes aidées par ETP", lambda c: c.personnes_par_etp)],
            "personnes par ETP",
            [("Personnes aidées", nombre("personnes_aidees")), etp_as, ("Par ETP", nombre("personnes_par_etp", 1))],
        ),
        (
            "Temps passé en formation",
            f"Temps passé en formation (% du temps de travail des assistants sociaux), exercice {annee} ; "
            f"France entière : {numbers.format_pourcent(total.taux_formation, 1)}.",
            [("Temps passé en formation (%)", lambda c: c.taux_formation)],
            "%",
            [("Jours de formation", nombre("jours_formation", 1)), etp_as, ("Temps passé en formation", pourcent)],
        ),
    ]
    return [
        _graphique(lignes, total, *definition)
        # A chart without any value would be an empty frame: left out.
        for definition in definitions
        if any(value(ligne.n) is not None for ligne in lignes for _label, value in definition[2])
    ]
