"""The data dictionary: every line of the catalogue (and the computed totals) with its definition, unit, formula,
rules, variation threshold and the exercices it is active in, grouped as the grid groups them.

Read in a constant number of queries (the indicators with their groups and terms, the active rules with their
terms), whatever the size of the catalogue. The page at /indicateurs/ and the report's annex show the same
entries: `contexte_annexe(annee)` gives the annex partial its context.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from caisses.numbers import TAUX, format_saisi, kind_of

from . import aggregation
from .models import DERNIER_EXERCICE, PREMIER_EXERCICE, Indicateur, Regle

DEFINITION_A_COMPLETER = "Définition à compléter par l'administrateur"
TOTAL_CALCULE = "Calculé par l'application à partir de ses termes, jamais saisi."
TOUS_LES_EXERCICES = "tous les exercices"
AGREGATIONS = {
    Indicateur.Agregation.SOMME: "total de la région : somme des unités (caisses primaires, sites, région)",
    Indicateur.Agregation.MOYENNE_PONDEREE: "total de la région : moyenne des unités pondérée par",
    Indicateur.Agregation.AUCUNE: "valeur de la région seulement (pas de total des unités)",
}
NIVEAUX = {Regle.Niveau.ERREUR: "erreur bloquante", Regle.Niveau.AVERTISSEMENT: "avertissement"}


def url_entree(code):
    """The link to an indicator's entry: what a label elsewhere (grid, report) points at."""
    return f"{reverse('dictionnaire')}#{code}"


@dataclass(frozen=True)
class Lien:
    """An indicator named in another entry's formula or rule: its code (the anchor) and label."""

    code: str
    libelle: str


@dataclass(frozen=True)
class RegleTexte:
    """A rule as an entry shows it: « <sujet> égale à la somme de <termes> (erreur bloquante) »."""

    sujet: Lien | None  # None: the rule holds for every donnée
    verbe: str
    termes: tuple  # (Lien, …)
    niveau: str


@dataclass
class Entree:
    code: str
    libelle: str
    groupe: str
    nature: str  # « Donnée saisie », « Ratio calculé », « Total calculé »
    unite: str
    definition: str
    periode: str
    numerateur: Lien | None = None
    denominateur: Lien | None = None
    termes: tuple = ()  # (Lien, …) summed by a computed total
    agregation: str = ""
    poids: Lien | None = None
    seuil: str = ""
    regles: list = field(default_factory=list)

    @property
    def a_definir(self):
        return not self.definition.strip()


@dataclass
class Groupe:
    code: str
    libelle: str
    entrees: list


def periode(depuis, jusqu_a):
    """« tous les exercices », « depuis 2019 », « jusqu'en 2022 », « de 2015 à 2022 », « en 2020 seulement »."""
    if depuis and jusqu_a:
        return f"en {depuis} seulement" if depuis == jusqu_a else f"de {depuis} à {jusqu_a}"
    if depuis:
        return f"depuis {depuis}"
    if jusqu_a:
        return f"jusqu'en {jusqu_a}"
    return TOUS_LES_EXERCICES


def _pluriel(valeur, unite):
    """The unit as it reads after `valeur`: singular below 2 (« 1 personne », « 1,5 personne »)."""
    if valeur < 2 and unite.endswith("s") and not unite.endswith(("ss", "is", "us")):
        return unite[:-1]
    return unite


def seuil(indicateur):
    """« ±20 % et un écart d'au moins 30 personnes » ; a rate (a ratio, or a figure in %) moves in points and only
    its points count, as rapports.variations compares it: « ±5 points »."""
    relatif, absolu = indicateur.seuil_relatif, indicateur.seuil_absolu
    if kind_of(indicateur.unite_mesure, indicateur.is_ratio) == TAUX:
        return f"±{format_saisi(relatif)}\u00a0{'point' if relatif < 2 else 'points'}"
    unite = _pluriel(absolu, indicateur.unite_mesure)
    return f"±{format_saisi(relatif)}\u00a0% et un écart d'au moins {format_saisi(absolu)}\u00a0{unite}"


def _lien(indicateur):
    return Lien(indicateur.code, indicateur.libelle)


def _regles():
    """{indicator code: [RegleTexte]} (the rules it is the subject or a term of) and the rules of every donnée."""
    termes = Prefetch("termes", queryset=Indicateur.objects.order_by("groupe__ordre", "ordre", "code"))
    par_code, generales = {}, []
    for regle in Regle.objects.filter(active=True).select_related("indicateur").prefetch_related(termes):
        texte = RegleTexte(
            _lien(regle.indicateur) if regle.indicateur_id else None,
            regle.get_nature_display(),
            tuple(_lien(t) for t in regle.termes.all()),
            NIVEAUX.get(regle.niveau, regle.niveau),
        )
        if texte.sujet is None:
            generales.append(texte)
            continue
        codes = [texte.sujet.code, *(t.code for t in texte.termes)]
        for code in dict.fromkeys(codes):
            par_code.setdefault(code, []).append(texte)
    return par_code, generales


def _entree(indicateur, regles, generales):
    entree = Entree(
        code=indicateur.code,
        libelle=indicateur.libelle,
        groupe=indicateur.groupe.libelle,
        nature="Ratio calculé" if indicateur.is_ratio else "Donnée saisie",
        unite="%" if indicateur.is_ratio else indicateur.unite_mesure,
        definition=indicateur.definition,
        periode=periode(indicateur.actif_depuis, indicateur.actif_jusqu_a),
        seuil=seuil(indicateur),
        regles=list(regles.get(indicateur.code, ())),
    )
    if indicateur.is_ratio:
        entree.numerateur = _lien(indicateur.numerateur) if indicateur.numerateur_id else None
        entree.denominateur = _lien(indicateur.denominateur) if indicateur.denominateur_id else None
    else:
        entree.agregation = AGREGATIONS.get(indicateur.agregation, "")
        entree.poids = _lien(indicateur.poids) if indicateur.poids_id else None
        entree.regles = generales + entree.regles
    return entree


def _total_calcule(code, libelle, termes, entrees_par_code):
    """A computed total of aggregation.COMPUTED_TOTALS, listed when one of its terms is."""
    liens = tuple(Lien(t, entrees_par_code[t].libelle) if t in entrees_par_code else Lien(t, t) for t in termes)
    return Entree(
        code=code,
        libelle=libelle,
        groupe="",
        nature="Total calculé",
        unite="personnes",
        definition=TOTAL_CALCULE,
        periode=TOUS_LES_EXERCICES,
        termes=liens,
    )


def exercice_valide(texte):
    """The `?exercice=` filter: None when absent, an int in range, else ValueError (a French message)."""
    if texte in (None, ""):
        return None
    texte = texte.strip()
    if not texte.isascii() or not texte.isdigit() or not PREMIER_EXERCICE <= int(texte) <= DERNIER_EXERCICE:
        raise ValueError(f"Exercice invalide : saisissez une année entre {PREMIER_EXERCICE} et {DERNIER_EXERCICE}.")
    return int(texte)


def groupes(annee=None):
    """[Groupe] in catalogue order, each with its entries; `annee`: only what is active that exercice."""
    indicateurs = Indicateur.objects.all() if annee is None else Indicateur.objects.actifs(annee)
    indicateurs = list(indicateurs.ordonnes())
    regles, generales = _regles()
    result, par_groupe, par_code = [], {}, {}
    for indicateur in indicateurs:
        groupe = indicateur.groupe
        if groupe.code not in par_groupe:
            par_groupe[groupe.code] = Groupe(groupe.code, groupe.libelle, [])
            result.append(par_groupe[groupe.code])
        entree = _entree(indicateur, regles, generales)
        par_code[entree.code] = entree
        par_groupe[groupe.code].entrees.append(entree)
    for code, (libelle, groupe_code, termes) in aggregation.COMPUTED_TOTALS.items():
        groupe = par_groupe.get(groupe_code)
        if groupe is not None and any(t in par_code for t in termes):
            total = _total_calcule(code, libelle, termes, par_code)
            total.groupe = groupe.libelle
            # Before the ratios of its group, after its données: where the grid shows it.
            place = next((i for i, e in enumerate(groupe.entrees) if e.nature == "Ratio calculé"), None)
            groupe.entrees.insert(len(groupe.entrees) if place is None else place, total)
    return result


def contexte(groupes_, prefixe="", niveau=2):
    """What templates/activites/_dictionnaire_annexe.html reads: the groups, the anchors' prefix, heading levels."""
    return {
        "dictionnaire_groupes": groupes_,
        "dictionnaire_prefixe": prefixe,
        "dictionnaire_niveau": niveau,
        "dictionnaire_niveau_entree": niveau + 1,
        "dictionnaire_a_completer": DEFINITION_A_COMPLETER,
    }


def contexte_annexe(annee, niveau=2):
    """The context of templates/activites/_dictionnaire_annexe.html for the report of exercice `annee`.

    `niveau` is the heading level of the annex's groups (its entries one below). Its anchors are prefixed, so that
    they do not meet the report's own ids; its links point inside the annex.
    """
    return {**contexte(groupes(annee), "dictionnaire-", niveau), "dictionnaire_exercice": annee}
