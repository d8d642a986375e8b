"""The annual report as data: the plan's parts and sections, each a list of blocks, ready for one template.

`build_report(rapport)` is the one entry point; the HTML page, the PDF, the archive and the command line all
draw from it. Figures come from the data apps' query, aggregation and formula functions: this module only
chooses what goes where and formats numbers with caisses/numbers.py; it computes nothing itself.
"""

from dataclasses import dataclass, field

from activites import aggregation
from activites import queries as activites_queries
from activites.models import GroupeIndicateurs, ItemSatisfaction, Valeur
from caisses import numbers
from caisses.models import Exercice, one_to_one_of
from caisses.plan import PLAN
from effectifs import queries as effectifs_queries

from .blocs_html import taille_tableau

NEANT = "Néant."
NON_RENSEIGNE = "Non renseigné."
CHART_YEARS = 5  # the effectifs chart covers the last 5 exercices
# The report's one-to-one rows, read with the report itself (caisses.scoping.get_rapport(select_related=...)).
RAPPORT_RELATED = ("installation", "partie_deux", "partie_trois", "enquete_satisfaction")


@dataclass
class Tableau:
    """A table of figures: `colonnes` are (label, numeric) pairs, `lignes` lists of formatted cells."""

    colonnes: list
    lignes: list
    legende: str = ""
    total: list = None
    kind: str = "tableau"

    @property
    def numeriques(self):
        return [num for _, num in self.colonnes]

    def rows(self):
        return [list(zip(ligne, self.numeriques, strict=False)) for ligne in self.lignes]

    def total_row(self):
        return list(zip(self.total, self.numeriques, strict=False)) if self.total else None


@dataclass
class Texte:
    """Plain text (escaped, line breaks kept) or `html` already sanitised by the Markdown renderer."""

    texte: str = ""
    html: str = ""
    titre: str = ""
    kind: str = "texte"


@dataclass
class Formule:
    libelle: str
    texte: str  # the formula with its values, e.g. "526,5 / (109 × 210) × 100 = 2,3 %"
    kind: str = "formule"


@dataclass
class Graphique:
    titre: str
    legende: str
    image: str  # data: URI of the SVG
    tableau: Tableau
    kind: str = "graphique"


@dataclass
class Vide:
    message: str = NON_RENSEIGNE
    kind: str = "vide"


@dataclass
class Bloc:
    """A titled group of blocks inside a section (e.g. "Moyens matériels")."""

    titre: str
    blocs: list
    kind: str = "groupe"


@dataclass
class SousSection:
    numero: str
    titre: str
    ancre: str
    blocs: list


@dataclass
class SectionRapport:
    code: str
    numero: str
    titre: str
    ancre: str
    blocs: list
    sous_sections: list = field(default_factory=list)


@dataclass
class PartieRapport:
    numero: str
    titre: str
    ancre: str
    sections: list


def ancre(code):
    return "s-" + code.replace(".", "-").lower()


def evolution_table(lignes, legende="", total=None, decimals=0, libelle="Indicateur", annees=None, kind=numbers.NOMBRE):
    """A table with N, N−1 and the evolution: `lignes` are (label, n, n1) with figures from the data apps.

    The evolution of counts is relative (« +7,54 % »), of rates (kind=numbers.TAUX) in points (« -4,7 pts »).
    """
    n_label, n1_label = (str(annees[0]), str(annees[1])) if annees else ("N", "N−1")

    def fmt(label, n, n1):
        return [
            label,
            numbers.format_nombre(n, decimals),
            numbers.format_nombre(n1, decimals),
            numbers.format_variation(n, n1, kind),
        ]

    return Tableau(
        colonnes=[(libelle, False), (n_label, True), (n1_label, True), ("Évolution", True)],
        lignes=[fmt(*ligne) for ligne in lignes],
        legende=legende,
        total=fmt(*total) if total else None,
    )


def or_empty(blocs, message=NON_RENSEIGNE):
    """A section is never dropped: without content it says so."""
    blocs = [bloc for bloc in blocs if bloc is not None]
    return blocs or [Vide(message)]


# Section builders: code → function(context) → list of blocks; sub-section builders: (code, key) → same.
# The data apps' figures are read through `ReportContext` so that every query runs once per report.
SECTION_BUILDERS = {}
SOUS_SECTION_BUILDERS = {}


def section_builder(code, key=None):
    def register(fn):
        (SOUS_SECTION_BUILDERS if key else SECTION_BUILDERS)[(code, key) if key else code] = fn
        return fn

    return register


class ReportContext:
    """What the builders share: the report, its N−1, the exercices of the 5-year charts, loaded lazily once."""

    def __init__(self, rapport):
        self.rapport = rapport
        self.region = rapport.caisse
        self.exercice = rapport.exercice
        self.annee = rapport.exercice.annee
        self._cache = {}

    def once(self, key, loader):
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    @property
    def partie_1(self):
        """effectifs.queries.PartieUn: every figure of Part I with its formulas."""
        return self.once(
            "partie_1",
            lambda: effectifs_queries.partie_1_data(
                self.rapport, effectifs=self.effectifs_history.get(self.annee, {}).values()
            ),
        )

    @property
    def sites(self):
        return self.partie_1.sites

    @property
    def exercices_graphiques(self):
        """The exercices of the multi-year charts: the last CHART_YEARS up to this one, oldest first."""
        return self.once(
            "exercices",
            lambda: list(
                Exercice.objects.filter(annee__gt=self.annee - CHART_YEARS, annee__lte=self.annee).order_by("annee")
            ),
        )

    @property
    def partie_2(self):
        """activites.aggregation.TableauRegion: N, N−1 and evolution of every indicator."""
        return self.once(
            "partie_2",
            lambda: aggregation.tableau_region(
                self.rapport,
                indicateurs=self.catalogue,
                valeurs=aggregation.values_by_year(self.valeurs_par_annee),
            ),
        )

    @property
    def catalogue(self):
        """The exercice's active indicators with their group."""
        return self.once("catalogue", lambda: activites_queries.catalogue(self.annee))

    @property
    def textes_2(self):
        """Texts of II.1–II.4, trainees, districts, and the survey with its items."""

        def load():
            return {
                "partie_deux": activites_queries.partie_deux(self.rapport),
                "etudiants": activites_queries.etudiants(self.rapport),
                "circonscriptions": activites_queries.circonscriptions(self.rapport),
                # The survey comes with the report (RAPPORT_RELATED); its items cost one query, survey or not.
                "enquete": one_to_one_of(self.rapport, "enquete_satisfaction"),
                "items_enquete": list(ItemSatisfaction.objects.filter(enquete__rapport_id=self.rapport.pk)),
            }

        return self.once("textes_2", load)

    @property
    def effectifs_history(self):
        """{annee: {category code: Effectif}} over the chart years."""
        return self.once(
            "effectifs_history", lambda: effectifs_queries.effectifs_history(self.region, self.exercices_graphiques)
        )

    @property
    def groupes_libelles(self):
        def load():
            libelles = {indicateur.groupe.code: indicateur.groupe.libelle for indicateur in self.catalogue}
            if any(code not in libelles for code, _lignes in self.partie_2.groupes()):
                # A group holding only computed totals this year: its label is not in the catalogue.
                libelles = dict(GroupeIndicateurs.objects.values_list("code", "libelle"))
            return libelles

        return self.once("groupes", load)

    @property
    def valeurs_par_annee(self):
        """[(annee, unit key, code, valeur)] of the region over the chart years, for the aggregation module."""

        def load():
            annees = [exercice.annee for exercice in self.exercices_graphiques]
            rows = Valeur.objects.filter(rapport__caisse=self.region, rapport__exercice__annee__in=annees).values_list(
                "rapport__exercice__annee", "caisse__code", "site__code", "indicateur__code", "valeur"
            )
            return [(annee, caisse or site or None, code, valeur) for annee, caisse, site, code, valeur in rows]

        return self.once("valeurs_par_annee", load)

    def preload(self):
        """Read everything up front, whatever is empty: the report costs the same queries for every region."""
        for name in ("partie_1", "partie_2", "textes_2", "effectifs_history", "groupes_libelles", "valeurs_par_annee"):
            getattr(self, name)


def build_report(rapport):
    """The whole report in the plan's order: cover data, parts, sections, sub-sections, annexes."""
    ctx = ReportContext(rapport)
    ctx.preload()
    parties = []
    for partie in PLAN:
        sections = []
        for section in partie.sections:
            builder = SECTION_BUILDERS.get(section.code)
            blocs = builder(ctx) if builder else []
            sous_sections = []
            for key, numero, titre in section.sous_sections:
                sub_builder = SOUS_SECTION_BUILDERS.get((section.code, key))
                sub_blocs = sub_builder(ctx) if sub_builder else []
                sous_sections.append(SousSection(numero, titre, ancre(f"{section.code}-{key}"), or_empty(sub_blocs)))
            sections.append(
                SectionRapport(
                    code=section.code,
                    numero=section.numero,
                    titre=section.titre,
                    ancre=ancre(section.code),
                    # A section with sub-sections may have nothing of its own above them.
                    blocs=or_empty(blocs) if not sous_sections else [b for b in blocs if b is not None],
                    sous_sections=sous_sections,
                )
            )
        parties.append(PartieRapport(partie.numero, partie.titre, ancre(f"partie-{partie.numero}"), sections))
    from activites.dictionnaire import contexte_annexe

    from . import variations
    from .chiffres_cles import chiffres_cles

    found = variations.annexe(ctx)
    return {
        "rapport": rapport,
        "region": rapport.caisse,
        "exercice": rapport.exercice,
        "brouillon": not rapport.is_transmitted,
        "chiffres_cles": chiffres_cles(ctx),
        "parties": parties,
        "annexes": build_annexes(ctx),
        "variations": found,
        "variations_taille": taille_tableau(len(found)),
        # The definitions the figures were entered under, printed with them (issue 12): groups in <h4>.
        **contexte_annexe(rapport.exercice.annee, niveau=4),
    }


def build_annexes(ctx):
    """Annex: the sites of the service with address, opening hours and contacts."""
    lignes = [
        [
            site.nom,
            site.get_type_display(),
            site.caisse.code,
            ", ".join(part for part in (site.adresse, f"{site.code_postal} {site.ville}".strip()) if part) or "—",
            site.horaires or "—",
            " ; ".join(part for part in (site.telephone, site.courriel) if part) or "—",
        ]
        for site in ctx.sites
    ]
    if not lignes:
        return [Vide(NEANT)]
    return [
        Tableau(
            colonnes=[
                ("Site", False),
                ("Type", False),
                ("Caisse", False),
                ("Adresse", False),
                ("Horaires d'ouverture", False),
                ("Contact", False),
            ],
            lignes=lignes,
            legende="Sites et unités du service social",
        )
    ]


def nombre(value, decimals=0):
    return numbers.format_nombre(value, decimals)


def euros(value):
    return numbers.format_euros(value)


def texte(value, titre=""):
    return Texte(texte=value, titre=titre) if value and value.strip() else None


def table_or(tableau, message=NEANT):
    return tableau if tableau.lignes else Vide(message)


# The sections register themselves in SECTION_BUILDERS when their modules load.
from . import report_partie1, report_partie2  # noqa: E402, F401
