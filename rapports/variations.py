"""Variations explained (issue 12): which figures moved so far from N−1 that the region must say why.

A figure is compared with the same figure of the region's report of the exercice before. Its threshold is the
administrator's: each indicator of the catalogue carries one (activites.Indicateur.seuil_relatif / seuil_absolu),
and so does each key figure of Part I (SeuilVariationPartieUn: ETP réel au 31 décembre, days of training, days
of absence). The rule, in one place (`depasse`):

- a count, an amount, days or ETP: the change N − (N−1) must pass BOTH thresholds: its relative size
  |N − (N−1)| / (N−1) × 100 ≥ seuil_relatif, and its absolute size |N − (N−1)| ≥ seuil_absolu. With the
  defaults (20 %, 30), 150 → 185 (+23,3 %, +35) is a finding; 100 → 125 (+25 %, +25) and 1 000 → 1 100
  (+10 %, +100) are not;
- a rate (a ratio of the catalogue, or an indicator whose unit is a percentage): the change is in points,
  as the report prints it (both rates rounded to one decimal, caisses.numbers.variation); it is a finding when
  |points| ≥ seuil_relatif, read as points. seuil_absolu is ignored: points are already an absolute change,
  and a rate's « minimum » in its own unit would be the same number twice. 70,0 % → 48,0 % (−22 pts) is a
  finding with the default 20; 70,0 % → 55,0 % (−15 pts) is not;
- N−1 equal to zero (a count): the relative change is unbounded, so only the absolute threshold decides:
  0 → 45 is a finding, 0 → 12 is not. A rate of 0 % in N−1 is a rate like any other;
- no N−1 (no report of the exercice before, or the figure not entered or not computable in it), or no N: no
  finding. Part I's figures are « not entered » while the report has no row of that table (no staff line, no
  training, no absence). A figure that did not change is never a finding, even with a threshold of 0.

Each finding blocks the transmission (rapports.lifecycle) until the region writes an explanation on the page
« Explications des variations » (rapports.views_variations); the report prints them in an annex, the interchange
document carries them (rapports.interchange_variations).

Keys name the figure across the page, the database, the document and the diff: « indicateur:<code> »,
« partie1:etp », « partie1:jours_formation », « partie1:jours_absence ».
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count, Sum, Value
from django.urls import reverse

from activites import aggregation
from activites import queries as activites_queries
from caisses.checks import Constat
from caisses.numbers import NBSP, NOMBRE, TAUX, format_nombre, format_points, format_pourcent, format_saisi, variation
from effectifs import queries as effectifs_queries
from effectifs.models import Absence, Formation

from .models import ExplicationVariation, SeuilVariationPartieUn

# The explanations' row in SectionVersion (caisses.guard): the page's version, apart from the plan's sections.
SECTION = "variations"
INDICATEUR = "indicateur:"
PARTIE1 = "partie1:"
DEFAUT_RELATIF, DEFAUT_ABSOLU = Decimal(20), Decimal(30)
CENT = Decimal(100)

# Part I's key figures: (key, label, section, attribute of effectifs' PartieUn / ResumePartieUn, decimals shown,
# the attribute that says whether anything was entered).
PARTIE_UN = (
    ("etp", "Effectif réel en ETP au 31 décembre", "I.1", "etp_reel", 2, "nombre_effectifs"),
    ("jours_formation", "Jours de formation", "I.3", "jours_formation", 1, "nombre_formations"),
    ("jours_absence", "Jours d'absence", "I.1", "jours_absence", 1, "nombre_absences"),
)
CLES_PARTIE_UN = tuple(PARTIE1 + cle for cle, *_rest in PARTIE_UN)
# The sections whose entry page holds figures a threshold applies to; there the block of findings takes the texts.
SECTIONS_DES_CHIFFRES = ("I.1", "I.3", "II.1")


@dataclass(frozen=True)
class Seuil:
    relatif: Decimal = DEFAUT_RELATIF
    absolu: Decimal = DEFAUT_ABSOLU


@dataclass(frozen=True)
class Chiffre:
    """One figure of the region, N and N−1, with its threshold and how to print it."""

    cle: str
    libelle: str
    section: str  # plan code of the section that holds it: "I.1", "I.3", "II.1"
    n: Decimal | None
    n1: Decimal | None
    seuil: Seuil
    kind: str = NOMBRE  # caisses.numbers.TAUX: a rate, compared in points
    decimales: int = 0
    groupe: str = ""  # the II.1 group of an indicator (its grid page)

    def texte(self, value):
        if self.kind == TAUX:
            return format_pourcent(value, 1)
        return format_saisi(value, self.decimales)


def depasse(n, n1, kind, seuil):
    """Does the change from `n1` to `n` pass the threshold (module docstring)? False when either is missing."""
    if n is None or n1 is None:
        return False
    if kind == TAUX:
        points = variation(n, n1, TAUX)
        return points is not None and points != 0 and abs(points) >= seuil.relatif
    ecart = Decimal(n) - Decimal(n1)
    if ecart == 0 or abs(ecart) < seuil.absolu:
        return False
    return n1 == 0 or abs(ecart) / Decimal(n1) * CENT >= seuil.relatif


@dataclass(frozen=True)
class Variation:
    """A finding: a figure past its threshold, and the region's explanation ("" while there is none)."""

    chiffre: Chiffre
    explication: str = ""

    @property
    def cle(self):
        return self.chiffre.cle

    @property
    def expliquee(self):
        return bool(self.explication.strip())

    @property
    def n_texte(self):
        return self.chiffre.texte(self.chiffre.n)

    @property
    def n1_texte(self):
        return self.chiffre.texte(self.chiffre.n1)

    @property
    def variation_texte(self):
        """« +25,3 % (+38) », « +45 (N−1 nul) », « −22,0 pts »."""
        c = self.chiffre
        if c.kind == TAUX:
            return format_points(variation(c.n, c.n1, TAUX))
        ecart = Decimal(c.n) - Decimal(c.n1)
        signe = "+" if ecart > 0 else ""
        absolu = f"{signe}{format_saisi(ecart, c.decimales)}"
        if c.n1 == 0:
            return f"{absolu} (N−1 nul)"
        relatif = ecart / Decimal(c.n1) * CENT
        return f"{signe}{format_nombre(relatif, 1)}{NBSP}% ({absolu})"


def constats(chiffres, explications=None):
    """[Variation] of the figures past their threshold, in the given order; the pure core of the rule."""
    explications = explications or {}
    return [
        Variation(chiffre, explications.get(chiffre.cle, ""))
        for chiffre in chiffres
        if depasse(chiffre.n, chiffre.n1, chiffre.kind, chiffre.seuil)
    ]


# --- The figures of one report ---------------------------------------------------------------------------------


def chiffres_partie_deux(indicateurs, lignes):
    """Chiffre of each indicator of the catalogue (données and ratios; not the computed totals), from aggregation's
    lines (activites.aggregation.lignes: the region's totals, N and N−1)."""
    par_code = {ligne.spec.code: ligne for ligne in lignes}
    result = []
    for indicateur in indicateurs:
        ligne = par_code.get(indicateur.code)
        if ligne is None:
            continue
        result.append(
            Chiffre(
                cle=INDICATEUR + indicateur.code,
                libelle=indicateur.libelle,
                section="II.1",
                n=ligne.n,
                n1=ligne.n1,
                seuil=Seuil(indicateur.seuil_relatif, indicateur.seuil_absolu),
                kind=ligne.kind,
                decimales=indicateur.decimales,
                groupe=indicateur.groupe.code,
            )
        )
    return result


def chiffres_partie_un(resume_n, resume_n1, seuils):
    """Chiffre of Part I's key figures from two effectifs.queries.ResumePartieUn (N−1's may be None)."""

    def value(resume, attribut, present):
        return getattr(resume, attribut) if resume is not None and getattr(resume, present) else None

    return [
        Chiffre(
            cle=PARTIE1 + cle,
            libelle=libelle,
            section=section,
            n=value(resume_n, attribut, present),
            n1=value(resume_n1, attribut, present),
            seuil=seuils.get(cle, Seuil()),
            decimales=decimales,
        )
        for cle, libelle, section, attribut, decimales, present in PARTIE_UN
    ]


def seuils_partie_un():

    return {
        cle: Seuil(relatif, absolu)
        for cle, relatif, absolu in SeuilVariationPartieUn.objects.values_list("cle", "seuil_relatif", "seuil_absolu")
    }


def explications_of(rapport):
    """{cle: texte} of the report's explanations (one query; none for an unsaved report)."""

    if rapport.pk is None:
        return {}
    return dict(ExplicationVariation.objects.filter(rapport_id=rapport.pk).values_list("cle", "texte"))


def variations_du_rapport(rapport, indicateurs=None, lignes=None):
    """[Variation] of one report, Part I first, then II.1 in catalogue order, in 9 queries whatever its size (7 when
    the caller gives the exercice's catalogue and aggregation's lines)."""

    rapport_n1 = activites_queries.rapport_precedent(rapport)
    if indicateurs is None:
        indicateurs = activites_queries.catalogue(rapport.exercice.annee)
    if lignes is None:
        values_n = activites_queries.valeurs_par_unite(rapport)
        values_n1 = activites_queries.valeurs_par_unite(rapport_n1) if rapport_n1 else None
        lignes = aggregation.lignes([aggregation.spec_of(i) for i in indicateurs], values_n, values_n1)
    resumes = effectifs_queries.parties_1_resumees([r for r in (rapport, rapport_n1) if r is not None])
    resume_n = resumes.get(rapport.pk) if rapport.pk is not None else None
    resume_n1 = resumes.get(rapport_n1.pk) if rapport_n1 is not None else None
    chiffres = chiffres_partie_un(resume_n, resume_n1, seuils_partie_un()) + chiffres_partie_deux(indicateurs, lignes)
    return constats(chiffres, explications_of(rapport))


def libelles_des_cles(indicateurs):
    """{cle: label} of every key an explanation may carry (the diff and the interchange read it)."""
    result = {PARTIE1 + cle: libelle for cle, libelle, *_rest in PARTIE_UN}
    result.update({INDICATEUR + i.code: i.libelle for i in indicateurs})
    return result


def section_of(cle):
    for key, _libelle, section, *_rest in PARTIE_UN:
        if cle == PARTIE1 + key:
            return section
    return "II.1"


def ancre(cle):
    """The HTML id of a figure's row on the page (no colon: it would need escaping in a CSS selector)."""
    return "variation-" + cle.replace(":", "-")


def constats_transmission(rapport, found=None):
    """The unexplained findings as blocking caisses.checks.Constat, each linked to its row of the page."""

    found = variations_du_rapport(rapport) if found is None else found
    page = reverse("rapport_variations", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    return [
        Constat(
            message=f"{v.chiffre.libelle} : {v.n1_texte} en {rapport.exercice.annee - 1}, {v.n_texte} en "
            f"{rapport.exercice.annee}, soit {v.variation_texte} — variation à expliquer avant la transmission",
            section=v.chiffre.section,
            champ=ancre(v.cle),
            url=f"{page}#{ancre(v.cle)}",
        )
        for v in found
        if not v.expliquee
    ]


def annexe(ctx):
    """The report's annex, from what the report already read (rapports.report.ReportContext: the catalogue, Part II's
    lines, Part I and the staff of the chart years): 3 queries of its own — N−1's training and absence days, the
    Part I thresholds, the explanations."""

    p1, avant = ctx.partie_1, list(ctx.effectifs_history.get(ctx.annee - 1, {}).values())
    resume_n = effectifs_queries.ResumePartieUn(
        rapport=ctx.rapport,
        etp_reel=p1.etp_reel,
        jours_formation=p1.jours_formation,
        jours_absence=p1.jours_absence,
        nombre_effectifs=sum(1 for ligne in p1.lignes if ligne.pk is not None),
        nombre_formations=len(p1.formations),
        nombre_absences=len(p1.absences),
    )
    resume_n1 = _jours_n1(ctx.rapport)
    resume_n1.etp_reel = sum((e.reel_etp for e in avant), Decimal(0))
    resume_n1.nombre_effectifs = len(avant)
    chiffres = chiffres_partie_un(resume_n, resume_n1, seuils_partie_un())
    chiffres += chiffres_partie_deux(ctx.catalogue, ctx.partie_2.lignes)
    return constats(chiffres, explications_of(ctx.rapport))


def _jours_n1(rapport):
    """The region's training and absence days of the exercice before, summed by the database in one query."""

    resume = effectifs_queries.ResumePartieUn(rapport=None)
    where = {"rapport__caisse": rapport.caisse_id, "rapport__exercice__annee": rapport.exercice.annee - 1}

    def sums(model, kind):
        rows = model.objects.filter(**where).values("rapport_id").order_by()
        return rows.annotate(kind=Value(kind, output_field=CharField()), jours=Sum("jours"), nombre=Count("id"))

    for row in sums(Formation, "formation").union(sums(Absence, "absence"), all=True):
        if row["kind"] == "formation":
            resume.jours_formation, resume.nombre_formations = row["jours"], row["nombre"]
        else:
            resume.jours_absence, resume.nombre_absences = row["jours"], row["nombre"]
    return resume


def write_explications(rapport, textes):
    """Store each finding's text; an emptied one is deleted (the figure is unexplained again)."""

    existing = {e.cle: e for e in ExplicationVariation.objects.filter(rapport=rapport, cle__in=list(textes))}
    for cle, texte in textes.items():
        current = existing.get(cle)
        if not texte:
            if current is not None:
                current.delete()
        elif current is None:
            ExplicationVariation.objects.create(rapport=rapport, cle=cle, texte=texte)
        elif current.texte != texte:
            current.texte = texte
            current.save(update_fields=["texte"])
