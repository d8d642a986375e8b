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


def evolution_table(lignes, legende="", total=None, decimals=0, libelle="Indicateur", annees=None):
    """A table with N, N−1 and the evolution in %: `lignes` are (label, n, n1) with figures from the data apps."""
    n_label, n1_label = (str(annees[0]), str(annees[1])) if annees else ("N", "N−1")

    def fmt(label, n, n1):
        return [
            label,
            numbers.format_nombre(n, decimals),
            numbers.format_nombre(n1, decimals),
            numbers.format_evolution(n, n1),
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
    return {
        "rapport": rapport,
        "region": rapport.caisse,
        "exercice": rapport.exercice,
        "brouillon": not rapport.is_transmitted,
        "parties": parties,
        "annexes": build_annexes(ctx),
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
    return f"{numbers.format_nombre(value, 2)}{numbers.NBSP}€"


def texte(value, titre=""):
    return Texte(texte=value, titre=titre) if value and value.strip() else None


def table_or(tableau, message=NEANT):
    return tableau if tableau.lignes else Vide(message)


# --- Part I ------------------------------------------------------------------------------------------------


def _has_i1(p1):
    return any(ligne.pk is not None for ligne in p1.lignes) or p1.affectations or p1.mouvements or p1.absences


@section_builder("I.1")
def section_i1(ctx):
    p1 = ctx.partie_1
    if not any(ligne.pk is not None for ligne in p1.lignes):
        return []
    lignes = [
        [
            ligne.categorie.libelle,
            nombre(ligne.theorique_effectif),
            nombre(ligne.theorique_etp, 2),
            nombre(ligne.reel_effectif),
            nombre(ligne.reel_etp, 2),
            nombre(ligne.age_moyen, 1) if ligne.age_moyen is not None else "—",
        ]
        for ligne in p1.lignes
    ]
    total = [
        "Total",
        nombre(sum(ligne.theorique_effectif for ligne in p1.lignes)),
        nombre(sum(ligne.theorique_etp for ligne in p1.lignes), 2),
        nombre(sum(ligne.reel_effectif for ligne in p1.lignes)),
        nombre(p1.etp_reel, 2),
        "",
    ]
    effectifs = Tableau(
        colonnes=[
            ("Catégorie", False),
            ("Effectif théorique au 1er janvier", True),
            ("ETP théorique", True),
            ("Effectif réel au 31 décembre", True),
            ("ETP réel", True),
            ("Âge moyen (ans)", True),
        ],
        lignes=lignes,
        total=total,
        legende=f"Effectifs par catégorie, exercice {ctx.annee}",
    )
    return [effectifs, effectifs_evolution(ctx, p1)]


def effectifs_evolution(ctx, p1):
    """ETP réel per category over the last 5 exercices: chart, and its table with the N/N−1 evolution."""
    from . import charts

    exercices = ctx.exercices_graphiques
    history = ctx.effectifs_history
    annees = [exercice.annee for exercice in exercices]

    def etp(annee, code):
        effectif = history.get(annee, {}).get(code)
        return effectif.reel_etp if effectif else None

    series = [(c.libelle, [etp(annee, c.code) for annee in annees]) for c in p1.categories]
    n1 = ctx.annee - 1
    tableau = Tableau(
        colonnes=[("Catégorie", False), *((str(a), True) for a in annees), ("Évolution sur un an", True)],
        lignes=[
            [
                libelle,
                *(nombre(v, 2) if v is not None else "—" for v in values),
                numbers.format_evolution(values[-1], etp(n1, code)),
            ]
            for (libelle, values), code in zip(series, [c.code for c in p1.categories], strict=True)
        ],
        legende="ETP réels au 31 décembre",
    )
    return Graphique(
        titre="Évolution des effectifs",
        legende=f"Évolution des effectifs réels (ETP au 31 décembre) par catégorie, {annees[0]}–{annees[-1]}.",
        image=charts.line_chart(annees, series, ylabel="ETP", decimals=1),
        tableau=tableau,
    )


@section_builder("I.1", "a")
def section_i1_a(ctx):
    p1 = ctx.partie_1
    if not p1.affectations:
        return [Vide(NEANT)] if _has_i1(p1) else []
    categories = [c for c in p1.categories if any(a.categorie_id == c.pk for a in p1.affectations)]
    unites, etp = [], {}
    for affectation in p1.affectations:
        unite = affectation.unite
        if unite not in unites:
            unites.append(unite)
        etp[(unite.pk, type(unite), affectation.categorie_id)] = affectation.etp
    lignes = [
        [
            f"{unite.nom} ({unite.code})",
            *(nombre(etp.get((unite.pk, type(unite), c.pk)), 2) for c in categories),
        ]
        for unite in unites
    ]
    return [
        Tableau(
            colonnes=[("Unité", False), *((c.libelle, True) for c in categories)],
            lignes=lignes,
            legende="Affectations en ETP par caisse primaire, service ou établissement",
        )
    ]


@section_builder("I.1", "b")
def section_i1_b(ctx):
    p1 = ctx.partie_1
    if not p1.mouvements:
        return [Vide(NEANT)] if _has_i1(p1) else []
    par_categorie = p1.mouvements_par_categorie
    resume = Tableau(
        colonnes=[("Catégorie", False), ("Embauches", True), ("Départs", True)],
        lignes=[
            [c.libelle, nombre(par_categorie[c.code][0]), nombre(par_categorie[c.code][1])]
            for c in p1.categories
            if c.code in par_categorie
        ],
        legende="Embauches et départs par catégorie",
    )
    departs = Tableau(
        colonnes=[("Catégorie", False), ("Motif du départ", False), ("Nombre", True)],
        lignes=[
            [m.categorie.libelle, m.get_motif_display() or "Non précisé", nombre(m.nombre)]
            for m in p1.mouvements
            if m.type == "depart"
        ],
        legende="Départs par motif",
    )
    return [resume, table_or(departs)]


@section_builder("I.1", "c")
def section_i1_c(ctx):
    p1 = ctx.partie_1
    if not p1.absences:
        return [Vide(NEANT)] if _has_i1(p1) else []
    absences = Tableau(
        colonnes=[("Motif", False), ("Jours d'absence", True)],
        lignes=[[a.get_motif_display(), nombre(a.jours, 1)] for a in p1.absences],
        total=["Total", nombre(p1.jours_absence, 1)],
        legende="Jours d'absence par motif",
    )
    formule = Formule(
        "Taux d'absentéisme = jours d'absence / (effectif réel en ETP au 31 décembre × nombre de jours théoriques "
        "de travail) × 100",
        p1.formule_absenteisme,
    )
    return [absences, formule]


@section_builder("I.1", "d")
def section_i1_d(ctx):
    p1 = ctx.partie_1
    if not p1.boursiers:
        return [Vide(NEANT)] if _has_i1(p1) else []
    return [
        Tableau(
            colonnes=[("École", False), ("Nombre", True), ("Année d'études", True)],
            lignes=[[b.ecole, nombre(b.nombre), f"{b.annee_etudes}e année"] for b in p1.boursiers],
            legende="Élèves boursiers",
        )
    ]


@section_builder("I.2")
def section_i2(ctx):
    p1 = ctx.partie_1
    sites = ctx.sites
    blocs = [
        Tableau(
            colonnes=[("Type de site", False), ("Nombre", True)],
            lignes=[[label, nombre(count)] for label, count in p1.sites_par_type],
            legende="Unités locales, points d'accueil, de consultation et de permanence",
        )
    ]
    locaux = [[site.nom, site.get_type_display(), site.etat_locaux] for site in sites if site.etat_locaux]
    if locaux:
        blocs.append(Bloc("Locaux", [Tableau([("Site", False), ("Type", False), ("État des locaux", False)], locaux)]))
    installation = p1.installation
    compteurs = [
        (label, value)
        for label, value in (
            ("Véhicules", installation.vehicules),
            ("Postes informatiques", installation.postes_informatiques),
            ("Téléphones", installation.telephones),
        )
        if value is not None
    ]
    moyens = [
        texte(installation.moyens_materiels),
        Tableau([("Moyen", False), ("Nombre", True)], [[label, nombre(v)] for label, v in compteurs])
        if compteurs
        else None,
    ]
    if any(moyens):
        blocs.append(Bloc("Moyens matériels mis à la disposition du personnel", or_empty(moyens)))
    if p1.conventions:
        conventions = Tableau(
            colonnes=[
                ("Caisse primaire", False),
                ("Signée le", True),
                ("Objet", False),
                ("Participation de la caisse régionale", True),
            ],
            lignes=[
                [c.caisse_primaire.nom, c.date_signature.strftime("%d/%m/%Y"), c.objet, euros(c.montant_participation)]
                for c in p1.conventions
            ],
            total=["Total", "", "", euros(p1.total_conventions)],
        )
        blocs.append(Bloc("Conventions entre la caisse régionale et les caisses primaires", [conventions]))
    for titre, valeur in (
        ("Améliorations obtenues", installation.ameliorations_obtenues),
        ("Améliorations nécessaires", installation.ameliorations_necessaires),
    ):
        if valeur.strip():
            blocs.append(Bloc(titre, [texte(valeur)]))
    # Site counts alone (from the organisation, not entered) do not make the section "renseignée".
    return blocs if len(blocs) > 1 or not installation.is_empty() else []


@section_builder("I.3")
def section_i3(ctx):
    p1 = ctx.partie_1
    if not p1.formations:
        return []
    actions = Tableau(
        colonnes=[
            ("Nature", False),
            ("Intitulé", False),
            ("Organisme", False),
            ("Participants", True),
            ("Jours de formation", True),
        ],
        lignes=[
            [f.get_nature_display(), f.intitule, f.organisme or "—", nombre(f.participants), nombre(f.jours, 1)]
            for f in p1.formations
        ],
        total=["Total", "", "", nombre(p1.participants_formation), nombre(p1.jours_formation, 1)],
        legende="Actions de formation (temps de trajet exclu)",
    )
    formule = Formule(
        "Temps passé en formation (%) = nombre de jours de formation / (effectif réel d'assistants sociaux × "
        "nombre de jours théoriques de travail) × 100",
        p1.formule_formation,
    )
    return [actions, formule]


@section_builder("I.4")
def section_i4(ctx):
    p1 = ctx.partie_1
    if not (p1.reunions or p1.reunions_autres_services):
        return []
    reunions = Tableau(
        colonnes=[("Échelon", False), ("Périodicité", False), ("Nombre dans l'année", True), ("Contenu", False)],
        lignes=[[r.get_niveau_display(), r.periodicite, nombre(r.nombre), r.contenu or "—"] for r in p1.reunions],
        legende="Réunions de service",
    )
    autres = Tableau(
        colonnes=[("Service", False), ("Objectifs", False), ("Nombre dans l'année", True)],
        lignes=[[r.service, r.objectifs or "—", nombre(r.nombre)] for r in p1.reunions_autres_services],
        legende="Réunions avec les autres services de la caisse",
    )
    return [
        Bloc("À l'échelon régional et local", [table_or(reunions)]),
        Bloc("Avec les autres services de la caisse", [table_or(autres)]),
    ]


# --- Part II -----------------------------------------------------------------------------------------------


def _valeur(ligne, value):
    if ligne.spec.is_ratio:
        return numbers.format_pourcent(value, 1)
    return numbers.format_nombre(value, ligne.spec.decimales)


@section_builder("II.1")
def section_ii1(ctx):
    p2, textes = ctx.partie_2, ctx.textes_2
    if not any(ligne.n is not None for ligne in p2.lignes):
        narrative = texte(textes["partie_deux"].evolution_nature_activites)
        return [Bloc("Évolution dans la nature des activités", [narrative])] if narrative else []
    annees = (ctx.annee, ctx.annee - 1)
    libelles = ctx.groupes_libelles
    blocs = []
    for code, lignes in p2.groupes():
        tableau = Tableau(
            colonnes=[("Indicateur", False), (str(annees[0]), True), (str(annees[1]), True), ("Évolution", True)],
            lignes=[
                [ligne.spec.libelle, _valeur(ligne, ligne.n), _valeur(ligne, ligne.n1), ligne.evolution_texte]
                for ligne in lignes
            ],
            legende=libelles.get(code, code),
        )
        blocs.append(tableau)
    blocs.extend(activity_charts(ctx, p2.by_code()))
    narrative = texte(textes["partie_deux"].evolution_nature_activites)
    blocs.append(Bloc("Évolution dans la nature des activités", [narrative or Vide(NON_RENSEIGNE)]))
    return blocs


DOMAINES = (
    "domaine_acces_soins",
    "domaine_maintien_emploi",
    "domaine_retour_emploi",
    "domaine_personnes_agees",
    "domaine_malades_handicapees",
    "domaine_non_repartis",
)
ORIGINES = ("origine_offre_service", "origine_tiers", "origine_spontanee")
MODALITES = (
    ("Informations collectives", "collectif_info_actions", "collectif_info_beneficiaires"),
    ("Travail social avec les groupes", "collectif_groupes_actions", "collectif_groupes_beneficiaires"),
    ("Interventions sociales d'intérêt collectif", "collectif_isic_actions", "collectif_isic_beneficiaires"),
)


def activity_charts(ctx, par_code):
    from . import charts

    annee, n1 = ctx.annee, ctx.annee - 1
    result = []
    domaines = [par_code[code] for code in DOMAINES if code in par_code]
    if domaines:
        result.append(
            Graphique(
                titre="Personnes aidées par domaine",
                legende=f"Personnes aidées individuellement par domaine prioritaire, {annee} et {n1}.",
                image=charts.bar_chart(
                    [ligne.spec.libelle for ligne in domaines],
                    [(str(annee), [ligne.n for ligne in domaines]), (str(n1), [ligne.n1 for ligne in domaines])],
                    ylabel="personnes",
                    horizontal=True,
                ),
                tableau=evolution_table(
                    [(ligne.spec.libelle, ligne.n, ligne.n1) for ligne in domaines],
                    libelle="Domaine",
                    annees=(annee, n1),
                ),
            )
        )
    origines = origins_over_years(ctx, [code for code in ORIGINES if code in par_code])
    if origines:
        result.append(origines)
    modalites = [(label, par_code.get(a), par_code.get(b)) for label, a, b in MODALITES if a in par_code]
    if modalites:
        result.append(
            Graphique(
                titre="Actions collectives par modalité",
                legende=f"Interventions sociales collectives par modalité : actions et bénéficiaires, {annee}.",
                image=charts.bar_chart(
                    [label for label, _a, _b in modalites],
                    [
                        ("Actions", [a.n if a else None for _l, a, _b in modalites]),
                        ("Bénéficiaires", [b.n if b else None for _l, _a, b in modalites]),
                    ],
                    horizontal=True,
                ),
                tableau=Tableau(
                    colonnes=[("Modalité", False), ("Actions", True), ("Bénéficiaires", True)],
                    lignes=[
                        [label, nombre(a.n if a else None), nombre(b.n if b else None)] for label, a, b in modalites
                    ],
                    legende=f"Exercice {annee}",
                ),
            )
        )
    return result


def origins_over_years(ctx, codes):
    """Origin of requests over the chart years, totalled per year by the aggregation module."""
    from . import charts

    if not codes:
        return None
    annees = [exercice.annee for exercice in ctx.exercices_graphiques]
    specs = [ligne.spec for ligne in ctx.partie_2.lignes if not ligne.spec.is_computed]
    par_annee = aggregation.totals_by_region(ctx.valeurs_par_annee, specs)
    libelles = {ligne.spec.code: ligne.spec.libelle for ligne in ctx.partie_2.lignes}
    series = [(libelles[code], [par_annee.get(annee, {}).get(code) for annee in annees]) for code in codes]
    return Graphique(
        titre="Origine des demandes",
        legende=f"Origine des demandes d'aide, {annees[0]}–{annees[-1]}.",
        image=charts.line_chart(annees, series, ylabel="demandes"),
        tableau=Tableau(
            colonnes=[("Origine", False), *((str(a), True) for a in annees)],
            lignes=[[label, *(nombre(v) for v in values)] for label, values in series],
            legende="Demandes par origine",
        ),
    )


@section_builder("II.2")
def section_ii2(ctx):
    textes = ctx.textes_2
    if not (textes["etudiants"] or textes["partie_deux"].etudiants_commentaire.strip()):
        return []
    etudiants = Tableau(
        colonnes=[("École", False), ("Nombre d'étudiants", True), ("Durée du stage (semaines)", True)],
        lignes=[[e.ecole, nombre(e.nombre), nombre(e.duree_semaines, 1)] for e in textes["etudiants"]],
        legende="Étudiants reçus en stage",
    )
    return [table_or(etudiants), texte(textes["partie_deux"].etudiants_commentaire)]


@section_builder("II.3")
def section_ii3(ctx):
    textes = ctx.textes_2
    if not (textes["circonscriptions"] or textes["partie_deux"].coordination_commentaire.strip()):
        return []
    circonscriptions = Tableau(
        colonnes=[("Circonscription", False), ("Territoire", False), ("Référent", False)],
        lignes=[[c.nom, c.territoire or "—", c.referent or "—"] for c in textes["circonscriptions"]],
        legende="Circonscriptions de service social",
    )
    commentaire = texte(textes["partie_deux"].coordination_commentaire)
    return [
        table_or(circonscriptions),
        Bloc("Partenaires et évolution constatée au cours de l'année", [commentaire or Vide(NON_RENSEIGNE)]),
    ]


@section_builder("II.4")
def section_ii4(ctx):
    textes = ctx.textes_2
    blocs = [texte(textes["partie_deux"].autres_activites)]
    enquete = textes["enquete"]
    if enquete is not None:
        infos = Tableau(
            colonnes=[("Caractéristique", False), ("Valeur", False)],
            lignes=[
                ["Période", enquete.periode],
                ["Taille de l'échantillon", nombre(enquete.echantillon)],
                ["Taux de réponse", numbers.format_pourcent(enquete.taux_reponse, 1)],
                ["Organisme", enquete.organisme or "—"],
            ],
        )
        items = Tableau(
            colonnes=[("Dimension", False), ("Satisfaits", True), ("Très satisfaits", True)],
            lignes=[
                [
                    item.dimension,
                    numbers.format_pourcent(item.satisfaits_pct, 1),
                    numbers.format_pourcent(item.tres_satisfaits_pct, 1, empty="—"),
                ]
                for item in textes["items_enquete"]
            ],
            legende="Résultats par dimension (part des personnes interrogées)",
        )
        blocs.append(Bloc("Enquête de satisfaction", [infos, table_or(items)]))
    return blocs


# --- Part III ----------------------------------------------------------------------------------------------


@section_builder("III")
def section_iii(ctx):
    from caisses.markdown import render_markdown

    partie = getattr(ctx.rapport, "partie_trois", None)
    observations = partie.observations.strip() if partie else ""
    return [Texte(html=render_markdown(observations))] if observations else []
