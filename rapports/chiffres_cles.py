"""The report's front matter: its cover (state, transmission and validation dates, version) and « Chiffres clés ».

« Chiffres clés » is the year in one page for a board. It takes its figures from the report's own context
(rapports.report.ReportContext: the Part I and Part II data the sections print), so a key figure is always the
figure of its section, and costs no query of its own. What it shows:
- people helped: total, individually, collectively and by priority domain, N, N−1 and evolution (II.1);
- staff: ETP réel au 31 décembre, N and N−1 (I.1 and its 5-year history);
- training: time spent in training (I.3's formula), N only — its N−1 would need last year's training actions,
  which the report does not read;
- satisfaction: the survey of II.4 when there is one (response rate, % satisfied per dimension), N only.
An evolution is relative (%) for a count and a difference in points for a rate (caisses.numbers.format_variation).
"""

from dataclasses import dataclass

from caisses import numbers

from .report import Graphique, Tableau, nombre
from .report_partie2 import DOMAINES

PERSONNES = (
    ("personnes_aidees_total", "Personnes aidées"),
    ("personnes_aidees_individuel", "dont individuellement"),
    ("personnes_aidees_collectif", "dont collectivement"),
)
# The 5-year chart of people helped: the parts of the total a board compares.
SERIES_GRAPHIQUE = ("personnes_aidees_individuel", "personnes_aidees_collectif")


def _evolution(n, n1, taux=False):
    """Points for a rate, % for a count: caisses.numbers' one rule."""
    return numbers.format_variation(n, n1, numbers.TAUX if taux else numbers.NOMBRE)


def _ligne(libelle, n, n1, formater=nombre, taux=False):
    """[label, N, N−1, evolution]; `formater` prints a figure (None prints « — »)."""

    def fmt(value):
        return "—" if value is None else formater(value)

    return [libelle, fmt(n), fmt(n1), _evolution(n, n1, taux) if n1 is not None else "—"]


def _etp(value):
    return numbers.format_saisi(value, 2)  # as I.1 prints it: the precision entered


def _taux_calcule(value):
    return numbers.format_pourcent(value, 1)  # I.3's formula prints its result with one decimal


def _taux_saisi(value):
    return numbers.format_pourcent_saisi(value, 2)  # a rate typed in II.4, with the precision it was typed


def _colonnes(annee):
    return [("Chiffre clé", False), (str(annee), True), (str(annee - 1), True), ("Évolution", True)]


def personnes_aidees(ctx):
    """People helped, in total, by mode and by domain: the II.1 figures (aggregation's lines, N and N−1)."""
    par_code = ctx.partie_2.by_code()
    lignes = [_ligne(libelle, par_code[code].n, par_code[code].n1) for code, libelle in PERSONNES if code in par_code]
    domaines = [par_code[code] for code in DOMAINES if code in par_code]
    return [
        Tableau(colonnes=_colonnes(ctx.annee), lignes=lignes, legende="Personnes aidées (II.1)"),
        Tableau(
            colonnes=_colonnes(ctx.annee),
            lignes=[_ligne(ligne.spec.libelle, ligne.n, ligne.n1) for ligne in domaines],
            legende="Aide individuelle par domaine prioritaire (II.1)",
        )
        if domaines
        else None,
    ]


def moyens_et_qualite(ctx):
    """Staff ETP (I.1), time spent in training (I.3) and the satisfaction survey (II.4)."""
    p1 = ctx.partie_1
    avant = ctx.effectifs_history.get(ctx.annee - 1, {})
    etp_n1 = sum((effectif.reel_etp for effectif in avant.values()), 0) if avant else None
    has_staff = any(ligne.pk is not None for ligne in p1.lignes)
    lignes = [
        _ligne("Effectif réel au 31 décembre (ETP)", p1.etp_reel if has_staff else None, etp_n1, _etp),
        _ligne("Temps passé en formation", p1.taux_formation if p1.formations else None, None, _taux_calcule, True),
    ]
    enquete = ctx.textes_2["enquete"]
    if enquete is None:
        lignes.append(["Enquête de satisfaction (II.4)", "pas d'enquête", "—", "—"])
    else:
        lignes.append(
            _ligne("Enquête de satisfaction : taux de réponse", enquete.taux_reponse, None, _taux_saisi, True)
        )
        lignes += [
            _ligne(f"Satisfaits : {item.dimension}", item.satisfaits_pct, None, _taux_saisi, True)
            for item in ctx.textes_2["items_enquete"]
        ]
    return Tableau(colonnes=_colonnes(ctx.annee), lignes=lignes, legende="Moyens, formation et satisfaction")


def graphique_personnes(ctx):
    """People helped individually and collectively over the chart years (aggregation's totals per year)."""
    from . import charts
    from .report_partie2 import series_over_years

    codes = [code for code in SERIES_GRAPHIQUE if code in ctx.partie_2.by_code()]
    annees, series = series_over_years(ctx, codes)
    if not any(value is not None for _label, values in series for value in values):
        return None
    return Graphique(
        titre="Personnes aidées",
        legende=f"Personnes aidées individuellement et collectivement, {annees[0]}–{annees[-1]}.",
        image=charts.line_chart(annees, series, ylabel="personnes"),
        tableau=Tableau(
            colonnes=[("Personnes aidées", False), *((str(a), True) for a in annees)],
            lignes=[[label, *(nombre(v) for v in values)] for label, values in series],
            legende="Personnes aidées par année",
        ),
    )


def chiffres_cles(ctx):
    """The blocks of the « Chiffres clés » page, for rapports/rapport_blocs.html."""
    blocs = [*personnes_aidees(ctx), moyens_et_qualite(ctx), graphique_personnes(ctx)]
    return [bloc for bloc in blocs if bloc is not None]


# --- The cover ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Couverture:
    """What the cover says of the report's life: its state with the date it was reached, and its version."""

    etat: str  # « brouillon », « transmis le 3 mars 2026 », « validé le … », « renvoyé pour correction le … »
    transmission: str  # « n° 2 du 3 mars 2026 » (the version sent), or « non transmis »


NON_TRANSMIS = "non transmis"


def _le(verbe, date):
    return f"{verbe} le {numbers.format_date_longue(date)}"


def _envoi(numero, date):
    return f"n° {numero} du {numbers.format_date_longue(date)}"


def couverture(rapport, transmission=None):
    """The cover of the report now, or (`transmission`: numero, date) of the copy being frozen at a transmission.

    A draft is « non transmis »: its current version was never sent, even when an earlier one was (a report
    validated then reopened). Only a report past a transmission reads its transitions (one query), so that a
    draft's page costs what it did. A frozen copy says « transmis », as it was printed at its transmission.
    """
    from .models import Transition

    if transmission is not None:
        return Couverture(_le("transmis", transmission["date"]), _envoi(transmission["numero"], transmission["date"]))
    etat = rapport.get_etat_display().lower()
    if rapport.pk is None or rapport.etat == rapport.Etat.BROUILLON:
        return Couverture(etat, NON_TRANSMIS)
    steps = list(Transition.objects.filter(rapport_id=rapport.pk).order_by("date", "pk").values_list("action", "date"))
    envois = [date for action, date in steps if action == Transition.Action.TRANSMETTRE]
    if not envois:  # put in this state by hand, without a transmission
        return Couverture(etat, NON_TRANSMIS)
    last = dict(steps)  # the latest date of each action
    depuis = {
        rapport.Etat.TRANSMIS: ("transmis", envois[-1]),
        rapport.Etat.VALIDE: ("validé", last.get(Transition.Action.VALIDER)),
        rapport.Etat.RENVOYE: ("renvoyé pour correction", last.get(Transition.Action.RENVOYER)),
    }.get(rapport.etat)
    if depuis and depuis[1]:
        etat = _le(*depuis)
    return Couverture(etat, _envoi(len(envois), envois[-1]))
