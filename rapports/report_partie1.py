"""Part I of the report (I.1 to I.4): each section's blocks, from the effectifs app's queries and formulas."""

from caisses import numbers

from .report import (
    NEANT,
    Bloc,
    Formule,
    Graphique,
    Tableau,
    Vide,
    euros,
    nombre,
    or_empty,
    section_builder,
    table_or,
    texte,
)


def _saisi(value, places):
    """An entered figure with the precision typed (« 34,6 » ETP, never « 34,60 »), at most `places` decimals."""
    return numbers.format_saisi(value, places)


def _has_i1(p1):
    return any(ligne.pk is not None for ligne in p1.lignes) or p1.affectations or p1.mouvements or p1.absences


@section_builder("I.1")
def section_i1(ctx):
    p1 = ctx.partie_1
    if not any(ligne.pk is not None for ligne in p1.lignes):
        # No staff entered: I.1 keeps its place, its table, evolution and ages saying so (earlier years' ETP
        # still draw the evolution).
        evolution = (
            effectifs_evolution(ctx, p1)
            if any(ctx.effectifs_history.values())
            else Bloc("Évolution des effectifs", [Vide()])
        )
        return [
            Bloc(f"Effectifs par catégorie, exercice {ctx.annee}", [Vide()]),
            evolution,
            Bloc("Âge moyen par catégorie", [Vide()]),
        ]
    lignes = [
        [
            ligne.categorie.libelle,
            nombre(ligne.theorique_effectif),
            _saisi(ligne.theorique_etp, 2),
            nombre(ligne.reel_effectif),
            _saisi(ligne.reel_etp, 2),
            _saisi(ligne.age_moyen, 1),
        ]
        for ligne in p1.lignes
    ]
    total = [
        "Total",
        nombre(sum(ligne.theorique_effectif for ligne in p1.lignes)),
        _saisi(sum(ligne.theorique_etp for ligne in p1.lignes), 2),
        nombre(sum(ligne.reel_effectif for ligne in p1.lignes)),
        _saisi(p1.etp_reel, 2),
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
                *(_saisi(v, 2) for v in values),
                numbers.format_variation(values[-1], etp(n1, code), numbers.NOMBRE),
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
            *(_saisi(etp.get((unite.pk, type(unite), c.pk)), 2) for c in categories),
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
        lignes=[[a.get_motif_display(), _saisi(a.jours, 1)] for a in p1.absences],
        total=["Total", _saisi(p1.jours_absence, 1)],
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
    blocs = [
        Tableau(
            colonnes=[("Type de site", False), ("Nombre", True)],
            lignes=[[label, nombre(count)] for label, count in p1.sites_par_type],
            legende="Unités locales, points d'accueil, de consultation et de permanence",
        )
    ]
    # The état des locaux is this report's (effectifs' EtatLocaux): next year's description never shows here.
    locaux = [[site.nom, site.get_type_display(), texte] for site, texte in p1.locaux]
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
                [c.caisse_primaire.nom, numbers.format_date(c.date_signature), c.objet, euros(c.montant_participation)]
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
            [f.get_nature_display(), f.intitule, f.organisme or "—", nombre(f.participants), _saisi(f.jours, 1)]
            for f in p1.formations
        ],
        total=["Total", "", "", nombre(p1.participants_formation), _saisi(p1.jours_formation, 1)],
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
