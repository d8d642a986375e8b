"""Part II (II.1 to II.4) and Part III of the report, from the activites app's catalogue and aggregation."""

from activites import aggregation
from caisses import numbers
from caisses.limits import POURCENTAGE

from .report import (
    NON_RENSEIGNE,
    Bloc,
    Graphique,
    Tableau,
    Texte,
    Vide,
    evolution_table,
    nombre,
    section_builder,
    table_or,
    texte,
)


def _valeur(ligne, value):
    if ligne.spec.is_ratio:
        return numbers.format_pourcent(value, 1)
    return numbers.format_saisi(value, ligne.spec.decimales)


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


def series_over_years(ctx, codes):
    """(years, [(label, [value per year])]) of indicators over the chart years, totalled by the aggregation module."""
    annees = [exercice.annee for exercice in ctx.exercices_graphiques]
    specs = [ligne.spec for ligne in ctx.partie_2.lignes if not ligne.spec.is_computed]
    par_annee = aggregation.totals_by_region(ctx.valeurs_par_annee, specs)
    libelles = {ligne.spec.code: ligne.spec.libelle for ligne in ctx.partie_2.lignes}
    return annees, [(libelles[code], [par_annee.get(annee, {}).get(code) for annee in annees]) for code in codes]


def origins_over_years(ctx, codes):
    """Origin of requests over the chart years, totalled per year by the aggregation module."""
    from . import charts

    if not codes:
        return None
    annees, series = series_over_years(ctx, codes)
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
        lignes=[[e.ecole, nombre(e.nombre), numbers.format_saisi(e.duree_semaines, 1)] for e in textes["etudiants"]],
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
                ["Taux de réponse", numbers.format_pourcent_saisi(enquete.taux_reponse, POURCENTAGE)],
                ["Organisme", enquete.organisme or "—"],
            ],
        )
        items = Tableau(
            colonnes=[("Dimension", False), ("Satisfaits", True), ("Très satisfaits", True)],
            lignes=[
                [
                    item.dimension,
                    numbers.format_pourcent_saisi(item.satisfaits_pct, POURCENTAGE),
                    numbers.format_pourcent_saisi(item.tres_satisfaits_pct, POURCENTAGE, empty="—"),
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
