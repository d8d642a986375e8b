"""The national view's blocks drawn from `national.synthese_nationale`: the totals table (transmitted and validated
reports beside every region) and the charts comparing the regions."""

from caisses import numbers


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
    """France entière over the transmitted and validated reports (N, the same regions' N−1, evolution), and beside
    it over every region, drafts included."""
    from .report import Tableau

    def fmt(value, decimals, is_rate):
        return numbers.format_pourcent(value, decimals) if is_rate else numbers.format_nombre(value, decimals)

    annee = synthese.annee
    transmis = synthese.transmis_seulement()
    k = len(transmis.lignes)
    toutes = {label: n for label, n, _n1, _decimals, _rate in totaux_nationaux(synthese)}
    return Tableau(
        colonnes=[
            ("Chiffre clé", False),
            (f"{annee} — rapports transmis et validés", True),
            (f"{annee - 1} — mêmes régions", True),
            ("Évolution", True),
            (f"{annee} — toutes les régions, brouillons compris", True),
        ],
        lignes=[
            [
                label,
                fmt(n, decimals, rate),
                fmt(n1, decimals, rate),
                variation_texte(n, n1, rate, decimals),
                fmt(toutes[label], decimals, rate),
            ]
            for label, n, n1, decimals, rate in totaux_nationaux(transmis)
        ],
        legende=(
            f"Totaux et ratios nationaux, exercice {annee} : rapports transmis ou validés ({k}), comparés aux mêmes "
            f"régions en {annee - 1} ; toutes les régions ({len(synthese.lignes)}) ; ratios calculés sur les totaux"
        ),
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


def graphiques_ratios(synthese, lignes_pairs):
    """One chart per key ratio: the regions sorted by value (highest first), the France entière value of the
    transmitted and validated reports, the median and the quartiles marked; its data table beside it."""
    from . import charts
    from .report import Graphique, Tableau

    transmis = synthese.transmis_seulement().total
    result = []
    for lp in lignes_pairs:
        ratio, rep = lp.ratio, lp.repartition
        present = [ligne for ligne in synthese.lignes if ratio.valeur(ligne.n) is not None]
        if not present:
            continue
        present.sort(key=lambda ligne: (-ratio.valeur(ligne.n), ligne.region.nom))
        national = ratio.valeur(transmis)
        unite = " (%)" if ratio.pourcent else ""
        image = charts.ratio_chart(
            [ligne.region.nom for ligne in present],
            [ratio.valeur(ligne.n) for ligne in present],
            xlabel=ratio.libelle + unite,
            national=national,
            mediane=rep.mediane if rep else None,
            quartiles=(rep.q1, rep.q3) if rep else None,
            provisoires=[i for i, ligne in enumerate(present) if not ligne.rapport.is_transmitted],
        )
        reperes = (
            f"médiane {ratio.texte(rep.mediane)}, quartiles {ratio.texte(rep.q1)} et {ratio.texte(rep.q3)} "
            f"sur {rep.n} rapport{'s' if rep.n > 1 else ''} transmis ou validé{'s' if rep.n > 1 else ''}"
            if rep
            else "aucun rapport transmis ou validé : ni médiane ni quartiles"
        )

        def position(ligne, lp=lp):
            pos = lp.positions.get(ligne.region.pk)
            return (pos.rang_texte, pos.quart_court) if pos else ("—", "—")

        result.append(
            Graphique(
                titre=ratio.libelle,
                legende=(
                    f"{ratio.libelle} par région, exercice {synthese.annee} ; France entière (rapports transmis et "
                    f"validés) : {ratio.texte(national)} ; {reperes}. Barres hachurées : rapports non transmis."
                ),
                image=image,
                tableau=Tableau(
                    colonnes=[("Caisse régionale", False), (ratio.libelle, True), ("Rang", True), ("Quart", False)],
                    lignes=[
                        [
                            ligne.region.nom + ("" if ligne.rapport.is_transmitted else " (non transmis)"),
                            ratio.texte(ratio.valeur(ligne.n)),
                            *position(ligne),
                        ]
                        for ligne in present
                    ],
                    legende=ratio.libelle,
                ),
            )
        )
    return result
