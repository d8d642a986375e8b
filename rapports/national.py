"""The national view of one exercice: every region's report side by side, with national totals and ratios.

`synthese_nationale(annee)` is the one entry point; the page, the spreadsheet, the CSV and the synthesis PDF
draw from it, in a fixed number of queries whatever the number of regions. The figures come from the data
apps — Part II totals from `activites.aggregation.tableau_national`, staff ETP and the training rate from
`effectifs` (PartieUn and `formulas.taux_formation`), section completeness from `rapports.plan`. The only
figure this module computes is the national view's own ratio: people helped per ETP of social worker.
National ratios are computed from the national totals, never averaged over regions.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from caisses import numbers
from caisses.models import Caisse, Exercice, RapportAnnuel
from caisses.plan import SECTIONS, EtatSection, reference_stamp, section_states_kept

PERSONNES_TOTAL = "personnes_aidees_total"
PERSONNES_INDIVIDUEL = "personnes_aidees_individuel"
PERSONNES_COLLECTIF = "personnes_aidees_collectif"
# Part II données behind the two activity rates compared between regions (sums: their ratio is recomputed on
# any set of regions, never averaged).
TERMES = ("objectifs_atteints", "accompagnements_termines", "saisines_offre_service", "saisines_recues")


KEPT_TIMEOUT = 24 * 3600


def _row(value):
    """A model row as the values of its columns (a report's data version included), anything else as itself."""
    meta = getattr(value, "_meta", None)
    return (meta.label, *(getattr(value, f.attname) for f in meta.concrete_fields)) if meta else value


def kept(inputs, compute):
    """`compute()`, kept in Django's cache under a digest of everything it reads: the rows given in `inputs`
    (every column, so a report's data version, state and dates), and the reference data of the section states
    and the catalogue (caisses.plan.reference_stamp). Any write through the guard moves a report's data version,
    so a kept answer can never be stale; an unchanged nation costs the queries that read `inputs` and the stamp."""
    import hashlib

    digest = hashlib.sha256(repr([reference_stamp(), *map(_row, inputs)]).encode()).hexdigest()
    key = f"national:{inputs[0]}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_TIMEOUT)
    return found


def par_etp(personnes, etp):
    """People helped per ETP of social worker; None ("non calculable") without people or without staff."""
    if personnes is None or etp is None or etp == 0:
        return None
    return Decimal(personnes) / Decimal(etp)


def _ratio(numerateur, denominateur):
    from activites.aggregation import ratio

    return ratio(numerateur, denominateur)


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
    termes: dict = field(default_factory=dict)  # {TERMES code: sum}

    @property
    def personnes_par_etp(self):
        return par_etp(self.personnes_aidees, self.etp_assistants_sociaux)

    @property
    def taux_objectifs(self):
        """Objectives totally reached, in % of the accompaniments ended (II.1)."""
        return _ratio(self.termes.get("objectifs_atteints"), self.termes.get("accompagnements_termines"))

    @property
    def taux_offre_service(self):
        """Referrals that led to an offer of service, in % of referrals received (II.1)."""
        return _ratio(self.termes.get("saisines_offre_service"), self.termes.get("saisines_recues"))

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
        termes={code: partie_2.get(code) for code in TERMES},
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
        termes={code: national_2.get(code) for code in TERMES},
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

    @property
    def a_relire(self):
        return sum(1 for ligne in self.lignes if ligne.etat == RapportAnnuel.Etat.TRANSMIS)

    @property
    def valides(self):
        return sum(1 for ligne in self.lignes if ligne.etat == RapportAnnuel.Etat.VALIDE)

    def transmis_seulement(self):
        """The same view over the regions whose report is transmitted or validated: their totals and ratios, and
        the same regions' N−1 (the evolution compares like with like). No query."""
        lignes = [ligne for ligne in self.lignes if ligne.rapport.is_transmitted]
        jours_n1 = self.exercice_n1.jours_theoriques_travail if self.exercice_n1 else 0
        return replace(
            self,
            lignes=lignes,
            total=total_de([ligne.n for ligne in lignes], self.exercice.jours_theoriques_travail),
            total_n1=total_de([ligne.n1 for ligne in lignes], jours_n1),
        )


def total_de(regions, jours_theoriques):
    """The totals and ratios of some regions' key figures (people helped are additive: their sum is the total)."""
    part_2 = {
        PERSONNES_TOTAL: _sum(c.personnes_aidees for c in regions),
        PERSONNES_INDIVIDUEL: _sum(c.individuel for c in regions),
        PERSONNES_COLLECTIF: _sum(c.collectif for c in regions),
        **{code: _sum(c.termes.get(code) for c in regions) for code in TERMES},
    }
    return chiffres_nation(part_2, regions, jours_theoriques)


def synthese_nationale(annee, today=None):
    """Every region's report of exercice `annee` with its key figures, N−1 and the national totals; 404 if unknown.

    A fixed number of queries: exercices, regions, reports (both years), Part I (2), Part II (2 per year), and the
    section states (one or two per section).
    """
    exercices = {e.annee: e for e in Exercice.objects.filter(annee__in=(annee, annee - 1))}
    if annee not in exercices:
        raise Http404("Exercice inconnu.")
    today = today or timezone.localdate()
    regions = list(Caisse.objects.regionales().order_by("code"))
    rapports = list(
        RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices.values()).select_related(
            "caisse", "exercice"
        )
    )
    return kept(
        ("synthese", annee, today, *exercices.values(), *regions, *rapports),
        lambda: _synthese(annee, today, exercices, regions, rapports),
    )


def _synthese(annee, today, exercices, regions, rapports):
    from activites import aggregation
    from effectifs.queries import parties_1_resumees

    exercice, exercice_n1 = exercices[annee], exercices.get(annee - 1)
    parties_1 = parties_1_resumees(rapports)
    by_key = {(r.caisse_id, r.exercice.annee): r for r in rapports}
    tableau = aggregation.tableau_national(annee)
    tableau_n1 = aggregation.tableau_national(annee - 1) if exercice_n1 else None
    rapports_n = [r for r in rapports if r.exercice_id == exercice.pk]
    states = section_states_kept(rapports_n)
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

    In 8 queries whatever the number of regions, for pages that place one region among the others; 2 and the
    reference stamp while nothing it reads has changed (`kept`).
    """
    regions = list(Caisse.objects.regionales().order_by("code"))
    rapports = {
        r.caisse_id: r
        for r in RapportAnnuel.objects.filter(caisse__in=regions, exercice=exercice).select_related(
            "caisse", "exercice"
        )
    }
    return kept(
        ("regions", exercice, *regions, *rapports.values()),
        lambda: _regions_de_l_exercice(exercice, regions, rapports),
    )


def _regions_de_l_exercice(exercice, regions, rapports):
    from activites import aggregation
    from effectifs.queries import parties_1_resumees

    parties_1 = parties_1_resumees(list(rapports.values()))
    tableau = aggregation.tableau_national(exercice.annee)
    lignes = []
    for region in regions:
        rapport = rapports.get(region.pk) or RapportAnnuel(caisse=region, exercice=exercice)
        n = chiffres_region(tableau.par_region.get(region.pk), parties_1.get(rapport.pk))
        lignes.append(LigneRegion(region, rapport, en_retard=False, sections={}, n=n, n1=Chiffres()))
    return lignes
