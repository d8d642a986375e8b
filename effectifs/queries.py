"""Reads of Part I: one call per use, a fixed number of queries (the report, the entry pages, the national view)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from caisses.models import Site, one_to_one_of
from caisses.plan import EtatSection

from . import formulas
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


def categories():
    return list(Categorie.objects.order_by("ordre", "code"))


class TauxPartieUn:
    """The two rates of Part I, from the figures its subclass gives (the whole Part I, or its sums)."""

    @property
    def jours_theoriques(self):
        return self.rapport.exercice.jours_theoriques_travail

    @property
    def taux_absenteisme(self):
        return formulas.taux_absenteisme(self.jours_absence, self.etp_reel, self.jours_theoriques)

    @property
    def taux_formation(self):
        return formulas.taux_formation(self.jours_formation, self.etp_assistants_sociaux, self.jours_theoriques)


@dataclass
class PartieUn(TauxPartieUn):
    """Everything of Part I for one report, with the computed figures and the warnings."""

    rapport: object
    categories: list
    lignes: list  # [Effectif] in category order, unsaved (zeros) where nothing was entered
    affectations: list
    mouvements: list
    absences: list
    boursiers: list
    installation: Installation
    conventions: list
    formations: list
    reunions: list
    reunions_autres_services: list
    sites: list
    etats_locaux: dict = field(default_factory=dict)  # {site id: text} of this report; a site absent: not described
    totaux: dict = field(default_factory=dict)

    @property
    def etp_reel(self):
        return sum((ligne.reel_etp for ligne in self.lignes), Decimal(0))

    @property
    def etp_assistants_sociaux(self):
        return sum((ligne.reel_etp for ligne in self.lignes if ligne.categorie.est_assistant_social), Decimal(0))

    @property
    def jours_absence(self):
        return sum((a.jours for a in self.absences), Decimal(0))

    @property
    def jours_formation(self):
        return sum((f.jours for f in self.formations), Decimal(0))

    @property
    def participants_formation(self):
        return sum(f.participants for f in self.formations)

    @property
    def formule_absenteisme(self):
        return formulas.formule_texte(self.jours_absence, self.etp_reel, self.jours_theoriques)

    @property
    def formule_formation(self):
        return formulas.formule_texte(self.jours_formation, self.etp_assistants_sociaux, self.jours_theoriques)

    @property
    def total_conventions(self):
        return sum((c.montant_participation for c in self.conventions), Decimal(0))

    @property
    def locaux(self):
        """[(site, text)] of the region's sites described in this report, in the sites' order."""
        return [(site, self.etats_locaux[site.pk]) for site in self.sites if self.etats_locaux.get(site.pk)]

    @property
    def sites_et_locaux(self):
        """[(site, text)] of every site of the region, "" where this report does not describe it."""
        return [(site, self.etats_locaux.get(site.pk, "")) for site in self.sites]

    @property
    def sites_par_type(self):
        """[(type label, count)] for the I.2 counts of unités locales, PAS, PCS, PPRV, établissements."""
        counts = defaultdict(int)
        for site in self.sites:
            counts[site.type] += 1
        return [(label, counts[value]) for value, label in Site.Type.choices]

    @property
    def mouvements_par_categorie(self):
        """{category code: (embauches, départs)}."""
        result = defaultdict(lambda: [0, 0])
        for m in self.mouvements:
            result[m.categorie.code][0 if m.type == Mouvement.Type.EMBAUCHE else 1] += m.nombre
        return {code: tuple(v) for code, v in result.items()}

    def avertissements_i1(self):
        saisis = [ligne for ligne in self.lignes if ligne.pk is not None]
        found = formulas.avertissements_mouvements(
            [
                (ligne.categorie.libelle, ligne.categorie.code, ligne.theorique_effectif, ligne.reel_effectif)
                for ligne in saisis
            ],
            [(m.categorie.code, m.type, m.nombre) for m in self.mouvements],
        )
        found += formulas.avertissements_organigramme(
            [(ligne.categorie.libelle, ligne.categorie.code, ligne.reel_etp) for ligne in self.lignes],
            [(a.categorie.code, a.etp) for a in self.affectations],
        )
        return found


def partie_1_data(rapport, effectifs=None):
    """Part I of `rapport` in 12 queries, whatever its size.

    `effectifs` (the report's Effectif rows, with their category) may come from the caller, e.g. out of
    `effectifs_history`, and its query is saved; so is the Installation's when the report was read with
    select_related("installation"). The report's `etats_locaux` come with the sites, in the same query.
    """
    cats = categories()
    if effectifs is None:
        effectifs = Effectif.objects.filter(rapport_id=rapport.pk).select_related("categorie")
    effectifs = {e.categorie_id: e for e in effectifs}
    sites = list(
        Site.objects.of_region(rapport.caisse)
        .annotate(texte_locaux=Subquery(_etat_locaux_of(rapport).filter(site_id=OuterRef("pk")).values("texte")[:1]))
        .select_related("caisse")
        .order_by("caisse__code", "code")
    )
    return PartieUn(
        rapport=rapport,
        categories=cats,
        lignes=[effectifs.get(c.pk) or Effectif(rapport=rapport, categorie=c) for c in cats],
        affectations=list(
            Affectation.objects.filter(rapport_id=rapport.pk).select_related("categorie", "caisse_primaire", "site")
        ),
        mouvements=list(Mouvement.objects.filter(rapport_id=rapport.pk).select_related("categorie")),
        absences=list(Absence.objects.filter(rapport_id=rapport.pk)),
        boursiers=list(Boursier.objects.filter(rapport_id=rapport.pk)),
        installation=one_to_one_of(rapport, "installation") or Installation(rapport=rapport),
        conventions=list(Convention.objects.filter(rapport_id=rapport.pk).select_related("caisse_primaire")),
        formations=list(Formation.objects.filter(rapport_id=rapport.pk)),
        reunions=list(Reunion.objects.filter(rapport_id=rapport.pk)),
        reunions_autres_services=list(ReunionAutreService.objects.filter(rapport_id=rapport.pk)),
        sites=sites,
        etats_locaux={site.pk: site.texte_locaux for site in sites if site.texte_locaux},
    )


def _etat_locaux_of(rapport):
    return EtatLocaux.objects.filter(rapport_id=rapport.pk)


def etats_locaux_by_code(rapport):
    """{site code: text} of the sites this report describes (the interchange export); others are not described."""
    return dict(_etat_locaux_of(rapport).values_list("site__code", "texte"))


def effectifs_history(region, exercices):
    """The effectifs of `region` over `exercices`, in one query, for the 5-year evolution.

    Returns {annee: {category code: Effectif}}; a year without data maps to {}.
    """
    result = {exercice.annee: {} for exercice in exercices}
    rows = Effectif.objects.filter(rapport__caisse=region, rapport__exercice__in=exercices).select_related(
        "categorie", "rapport__exercice"
    )
    for effectif in rows:
        result[effectif.rapport.exercice.annee][effectif.categorie.code] = effectif
    return result


# --- Section states for the plan's navigation (caisses.plan.SECTION_STATUS) ---------------------------------


def _exists(model, rapport):
    return model.objects.filter(rapport_id=rapport.pk).exists()


def _etat_i1(effectifs, has_absences, has_other_rows, nb_categories):
    """The I.1 state from its facts; `has_other_rows` and `nb_categories` are callables, asked only when needed."""
    if any(formulas.erreurs_effectif(e) for e in effectifs):
        return EtatSection.ERREURS
    if not effectifs and not has_absences and not has_other_rows():
        return EtatSection.VIDE
    complete = len(effectifs) >= nb_categories() and has_absences
    return EtatSection.COMPLET if complete else EtatSection.EN_COURS


def etat_i1(rapport):
    effectifs = list(Effectif.objects.filter(rapport_id=rapport.pk).values("categorie_id", "age_moyen", "reel_etp"))
    if any(formulas.erreurs_effectif(e) for e in effectifs):
        return EtatSection.ERREURS
    return _etat_i1(
        effectifs,
        _exists(Absence, rapport),
        lambda: _exists(Affectation, rapport) or _exists(Mouvement, rapport),
        Categorie.objects.count,
    )


def _etat_i2(installation, has_conventions, has_locaux):
    """`has_locaux` is a callable, asked only when neither the installation nor a convention was entered."""
    if (installation is None or installation.is_empty()) and not has_conventions:
        return EtatSection.EN_COURS if has_locaux() else EtatSection.VIDE
    if installation and installation.moyens_materiels and has_conventions:
        return EtatSection.COMPLET
    return EtatSection.EN_COURS


def etat_i2(rapport):
    return _etat_i2(
        Installation.objects.filter(rapport_id=rapport.pk).first(),
        _exists(Convention, rapport),
        lambda: _exists(EtatLocaux, rapport),
    )


def _etat_i3(has_formations):
    return EtatSection.COMPLET if has_formations else EtatSection.VIDE


def etat_i3(rapport):
    return _etat_i3(_exists(Formation, rapport))


def _etat_i4(has_reunions, has_autres_services):
    """`has_autres_services` is a callable, asked only when there is no meeting of the service."""
    if has_reunions:
        return EtatSection.COMPLET
    return EtatSection.EN_COURS if has_autres_services() else EtatSection.VIDE


def etat_i4(rapport):
    return _etat_i4(_exists(Reunion, rapport), lambda: _exists(ReunionAutreService, rapport))


# --- Many reports at once: the national view (caisses.plan.SECTION_STATUS_MANY, rapports.national) ----------
# Same decisions as above, from facts read for every report in one query per model.


def _ids_with(model, ids):
    return set(model.objects.filter(rapport_id__in=ids).values_list("rapport_id", flat=True).distinct())


def etats_i1(rapports):
    ids = [r.pk for r in rapports]
    effectifs = defaultdict(list)
    rows = Effectif.objects.filter(rapport_id__in=ids).values("rapport_id", "categorie_id", "age_moyen", "reel_etp")
    for row in rows:
        effectifs[row.pop("rapport_id")].append(row)
    absences = _ids_with(Absence, ids)
    other_rows = _ids_with(Affectation, ids) | _ids_with(Mouvement, ids)
    nb_categories = Categorie.objects.count()
    return {
        pk: _etat_i1(effectifs[pk], pk in absences, lambda pk=pk: pk in other_rows, lambda: nb_categories) for pk in ids
    }


def etats_inputs():
    """What the states above and the national figures (rapports.national.kept) read besides a report's data: the
    categories of staff (which of them are social workers: the ETP the ratios divide by)."""
    return list(Categorie.objects.order_by("pk").values_list())


def etats_i2(rapports):
    ids = [r.pk for r in rapports]
    installations = {i.rapport_id: i for i in Installation.objects.filter(rapport_id__in=ids)}
    conventions, locaux = _ids_with(Convention, ids), _ids_with(EtatLocaux, ids)
    return {pk: _etat_i2(installations.get(pk), pk in conventions, lambda pk=pk: pk in locaux) for pk in ids}


def etats_i3(rapports):
    ids = [r.pk for r in rapports]
    formations = _ids_with(Formation, ids)
    return {pk: _etat_i3(pk in formations) for pk in ids}


def etats_i4(rapports):
    ids = [r.pk for r in rapports]
    reunions, autres = _ids_with(Reunion, ids), _ids_with(ReunionAutreService, ids)
    return {pk: _etat_i4(pk in reunions, lambda pk=pk: pk in autres) for pk in ids}


@dataclass
class ResumePartieUn(TauxPartieUn):
    """Part I's key figures of one report, summed by the database, under PartieUn's names (the national view
    and its trends read them for every region: no row of Part I is loaded)."""

    rapport: object  # with its exercice
    etp_reel: Decimal = Decimal(0)
    etp_assistants_sociaux: Decimal = Decimal(0)
    jours_formation: Decimal = Decimal(0)
    jours_absence: Decimal = Decimal(0)
    nombre_effectifs: int = 0
    nombre_formations: int = 0
    nombre_absences: int = 0

    # PartieUn's lists are read as "any row?" by the national figures.
    @property
    def lignes(self):
        return self.nombre_effectifs

    @property
    def formations(self):
        return self.nombre_formations

    @property
    def absences(self):
        return self.nombre_absences


def parties_1_resumees(rapports):
    """{rapport id: ResumePartieUn} of many reports in 3 queries, summed by the database (one row per report)."""
    ids = [r.pk for r in rapports]
    result = {rapport.pk: ResumePartieUn(rapport=rapport) for rapport in rapports}
    social_workers = Q(categorie__est_assistant_social=True)
    for row in (
        Effectif.objects.filter(rapport_id__in=ids)
        .values("rapport_id")
        .annotate(etp=Sum("reel_etp"), etp_as=Sum("reel_etp", filter=social_workers), n=Count("id"))
        .order_by()
    ):
        resume = result[row["rapport_id"]]
        resume.etp_reel, resume.nombre_effectifs = row["etp"] or Decimal(0), row["n"]
        resume.etp_assistants_sociaux = row["etp_as"] or Decimal(0)
    for model, jours, nombre in (
        (Formation, "jours_formation", "nombre_formations"),
        (Absence, "jours_absence", "nombre_absences"),
    ):
        rows = model.objects.filter(rapport_id__in=ids).values("rapport_id").annotate(j=Sum("jours"), n=Count("id"))
        for row in rows.order_by():
            setattr(result[row["rapport_id"]], jours, row["j"] or Decimal(0))
            setattr(result[row["rapport_id"]], nombre, row["n"])
    return result
