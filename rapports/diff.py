"""What changed between two transmissions of a report, read from their frozen interchange documents.

The reviewer compares transmission n° k with n° k+1 figure by figure and text by text. Both sides come from
CopieFigee.document (the JSON as sent), never from the live data, so the comparison says what the region sent.
Labels come from the documents themselves (units' names) and from the catalogues (staff categories, indicators),
because a reviewer reads « Assistants sociaux — effectif au 31 décembre », never « as.reel_31_decembre.effectif ».
"""

import datetime
import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.safestring import mark_safe

from caisses.numbers import format_date_longue, format_nombre

from . import variations
from .interchange_variations import KEY as EXPLICATIONS
from .models import ArchivePDF

# Texts longer than this get a word-level diff; shorter ones read better as « old » → « new ».
LONG_TEXT = 120

SECTION_OF = {
    "effectifs": "I.1",
    "affectations": "I.1",
    "mouvements": "I.1",
    "absences": "I.1",
    "boursiers": "I.1",
    "sites": "I.2",
    "moyens_materiels": "I.2",
    "conventions": "I.2",
    "ameliorations_obtenues": "I.2",
    "ameliorations_necessaires": "I.2",
    "formations": "I.3",
    "reunions": "I.4",
    "reunions_autres_services": "I.4",
    "indicateurs": "II.1",
    "evolution_nature_activites": "II.1",
    "etudiants": "II.2",
    "etudiants_commentaire": "II.2",
    "circonscriptions": "II.3",
    "coordination_commentaire": "II.3",
    "autres_activites": "II.4",
    "enquete_satisfaction": "II.4",
    "observations": "III",
}

LABELS = {
    "effectifs": "Effectifs",
    "theorique_1er_janvier": "théorique au 1er janvier",
    "reel_31_decembre": "réel au 31 décembre",
    "effectif": "effectif",
    "etp": "ETP",
    "age_moyen": "âge moyen",
    "affectations": "Affectations",
    "mouvements": "Mouvements de personnel",
    "absences": "Absentéisme",
    "jours": "jours",
    "boursiers": "Boursiers",
    "nombre": "nombre",
    "ecole": "école",
    "annee_etudes": "année d'études",
    "etat_locaux": "état des locaux",
    "moyens_materiels": "Moyens matériels",
    "texte": "description",
    "vehicules": "véhicules",
    "postes_informatiques": "postes informatiques",
    "telephones": "téléphones",
    "conventions": "Conventions",
    "caisse_primaire": "caisse primaire",
    "date_signature": "date de signature",
    "objet": "objet",
    "montant_participation_eur": "participation (€)",
    "ameliorations_obtenues": "Améliorations obtenues",
    "ameliorations_necessaires": "Améliorations nécessaires",
    "formations": "Formations",
    "nature": "nature",
    "intitule": "intitulé",
    "organisme": "organisme",
    "participants": "participants",
    "reunions": "Réunions de service",
    "niveau": "niveau",
    "periodicite": "périodicité",
    "contenu": "contenu",
    "reunions_autres_services": "Réunions avec les autres services",
    "service": "service",
    "objectifs": "objectifs",
    "evolution_nature_activites": "Évolution de la nature des activités",
    "etudiants": "Étudiants",
    "duree_semaines": "durée (semaines)",
    "etudiants_commentaire": "Commentaire sur l'accueil des étudiants",
    "circonscriptions": "Circonscriptions",
    "nom": "nom",
    "territoire": "territoire",
    "referent": "référent",
    "coordination_commentaire": "Coordination",
    "autres_activites": "Autres activités",
    "enquete_satisfaction": "Enquête de satisfaction",
    "periode": "période",
    "echantillon": "échantillon",
    "taux_reponse": "taux de réponse (%)",
    "items": "",
    "dimension": "dimension",
    "satisfaits_pct": "satisfaits (%)",
    "tres_satisfaits_pct": "très satisfaits (%)",
    "observations": "Observations, commentaires, perspectives",
}

# Rows of these lists are matched by what identifies them, not by position: a new row does not shift the others.
ROW_KEYS = {
    "effectifs": ("categorie",),
    "affectations": ("unite", "categorie"),
    "mouvements": ("categorie", "type", "motif"),
    "absences": ("motif",),
    "sites": ("code",),
    "items": ("dimension",),
}

# What names a row of the other lists in a label (« Formations — Accueil numérique — participants »).
HINT_FIELDS = ("intitule", "nom", "ecole", "service", "objet", "dimension", "caisse_primaire", "niveau")


@dataclass
class Changement:
    section: str
    libelle: str
    avant: str
    apres: str
    diff_html: str = ""  # a long text's word-level diff (<ins>/<del>, escaped)


@dataclass
class Comparaison:
    numero_avant: int | None  # None: first transmission, nothing to compare with
    numero_apres: int | None
    chiffres: list = field(default_factory=list)
    textes: list = field(default_factory=list)
    comparable: bool = True  # False: the previous transmission predates the frozen copies

    @property
    def premiere(self):
        return self.numero_avant is None

    @property
    def identiques(self):
        return self.comparable and not self.premiere and not self.chiffres and not self.textes


class Libelles:
    """Names for the codes of a document: units from the document, categories and indicators from the catalogues."""

    def __init__(self, *documents):
        from activites.models import Indicateur
        from effectifs.models import Categorie

        self.categories = dict(Categorie.objects.values_list("code", "libelle"))
        self.indicateurs = {i.code: i for i in Indicateur.objects.only("code", "libelle", "decimales")}
        self.unites = {}
        self.lire_unites(*documents)

    def lire_unites(self, *documents):
        # The later document first: a unit renamed between two transmissions reads under its newer name.
        for document in reversed(documents):
            for item in [*document.get("caisses_primaires", []), *document.get("sites", [])]:
                if isinstance(item, dict) and item.get("code"):
                    self.unites.setdefault(item["code"], item.get("nom") or item["code"])

    def code(self, key, value):
        if value is None:
            return "sans objet"
        if key in ("unite", "caisse_primaire", "code"):
            return self.unites.get(value, value)
        if key == "categorie":
            return self.categories.get(value, value)
        return CHOICES.get(value, value)


def _choices():
    from effectifs.models import Absence, Formation, Mouvement, Reunion

    result = {}
    for choices in (Mouvement.Type, Mouvement.Motif, Absence.Motif, Formation.Nature, Reunion.Niveau):
        result.update(dict(choices.choices))
    return result


class _LazyChoices(dict):
    def get(self, key, default=None):
        if not self:
            self.update(_choices())
        return super().get(key, default)


CHOICES = _LazyChoices()


def _label(key):
    return LABELS.get(key, key.replace("_", " "))


def _row_hint(row, keys, libelles):
    if keys:
        return " — ".join(libelles.code(k, row.get(k)) for k in keys if k in row)
    for key in HINT_FIELDS:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value if len(value) <= 50 else value[:49] + "…"
    return ""


def _flatten(value, path, label, libelles, out):
    """{path: (label, leaf value)} of every figure and text under `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, (*path, key), [*label, _label(key)] if _label(key) else label, libelles, out)
    elif isinstance(value, list):
        name = path[-1]
        keys = ROW_KEYS.get(name)
        for index, row in enumerate(value):
            if not isinstance(row, dict):
                continue
            ident = tuple(row.get(k) for k in keys) if keys else index
            hint = _row_hint(row, keys, libelles) or f"ligne {index + 1}"
            rest = {k: v for k, v in row.items() if not keys or k not in keys}
            _flatten(rest, (*path, ident), [*label, hint], libelles, out)
    else:
        out[path] = (" — ".join(label), value)


def _indicateurs(document, libelles, out):
    for row in document.get("partie_2", {}).get("indicateurs", []):
        if not isinstance(row, dict):
            continue
        code, unite = row.get("code"), row.get("unite")
        indicateur = libelles.indicateurs.get(code)
        nom = indicateur.libelle if indicateur else code
        where = libelles.unites.get(unite, unite) if unite else "Région (ensemble)"
        out[("partie_2", "indicateurs", code, unite)] = (f"{nom} — {where}", row.get("valeur"))


def flatten(document, libelles):
    out = {}
    for partie in ("partie_1", "partie_2", "partie_3"):
        body = document.get(partie) or {}
        for key, value in body.items():
            if key != "indicateurs":
                _flatten(value, (partie, key), [_label(key)], libelles, out)
    _indicateurs(document, libelles, out)
    for site in document.get("sites", []):
        if isinstance(site, dict):
            label = f"État des locaux — {site.get('nom') or site.get('code')}"
            out[("sites", site.get("code"), "etat_locaux")] = (label, site.get("etat_locaux", ""))
    _explications(document, libelles, out)
    return out


def _explications(document, libelles, out):
    """The explanations of the variations (issue 12), one text per figure, named by its label."""
    for row in document.get(EXPLICATIONS) or []:
        if not isinstance(row, dict) or not isinstance(row.get("cle"), str):
            continue
        cle = row["cle"]
        indicateur = libelles.indicateurs.get(cle.removeprefix(variations.INDICATEUR))
        if cle.startswith(variations.INDICATEUR) and indicateur is not None:
            nom = indicateur.libelle
        else:
            nom = variations.libelles_des_cles(()).get(cle, cle)
        out[(EXPLICATIONS, cle)] = (f"Explication de la variation — {nom}", row.get("texte", ""))


def _decimals(value):
    try:
        exponent = Decimal(str(value)).as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_value(value, places=None):
    """A leaf in French: numbers with the decimals they were sent with, « non renseigné » for null."""
    if value is None or value == "":
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        return format_nombre(value, _decimals(value) if places is None else places)
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):  # amounts are decimal strings
        return format_nombre(value, _decimals(value))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return format_date_longue(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def word_diff(old, new):
    """Escaped HTML of `new` against `old`, word by word: removed words in <del>, added ones in <ins>."""
    a, b = re.findall(r"\S+|\s+", old or ""), re.findall(r"\S+|\s+", new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above is escaped


def _is_text(old, new):
    # Amounts and dates travel as strings but read as figures.
    return any(isinstance(v, str) and not re.fullmatch(r"-?\d+(\.\d+)?|\d{4}-\d{2}-\d{2}", v) for v in (old, new) if v)


def compare_documents(avant, apres, libelles=None):
    """[Changement] of figures and of texts between two documents (dicts), in the plan's order."""
    if libelles is None:
        libelles = Libelles(avant, apres)
    else:
        libelles.lire_unites(avant, apres)
    old, new = flatten(avant, libelles), flatten(apres, libelles)
    chiffres, textes = [], []
    for path in [*new, *(p for p in old if p not in new)]:
        label, after = new.get(path, (None, None))
        before_label, before = old.get(path, (None, None))
        if before == after:
            continue
        label = label or before_label
        if path[0] == EXPLICATIONS:
            section = variations.section_of(path[1])
        else:
            section = SECTION_OF.get(path[1] if path[0] != "sites" else "sites", "")
        if _is_text(before, after):
            long = max(len(before or ""), len(after or "")) > LONG_TEXT
            change = Changement(section, label, format_value(before), format_value(after))
            if long:
                change.diff_html = word_diff(before or "", after or "")
            textes.append(change)
        else:
            places = None
            if path[:2] == ("partie_2", "indicateurs") and path[2] in libelles.indicateurs:
                places = libelles.indicateurs[path[2]].decimales
            chiffres.append(Changement(section, label, format_value(before, places), format_value(after, places)))
    order = {code: i for i, code in enumerate(SECTION_OF.values())}
    key = lambda c: order.get(c.section, len(order))  # noqa: E731 — sorted() is stable: rows keep their order
    return sorted(chiffres, key=key), sorted(textes, key=key)


def derniere_comparaison(rapport):
    """Comparaison of the report's two latest transmissions (their frozen documents), or None if never sent.

    Four queries whatever the report's history (the catalogues' labels are read even for a first transmission,
    so that the page's count does not depend on it).
    """
    archives = list(ArchivePDF.objects.filter(rapport_id=rapport.pk).select_related("copie").order_by("-numero")[:2])
    if not archives:
        return None
    libelles = Libelles()
    latest = archives[0]
    if len(archives) == 1:
        return Comparaison(None, latest.numero)
    previous = archives[1]
    copies = [getattr(a, "copie", None) for a in (previous, latest)]
    if any(c is None for c in copies):
        # A transmission older than the frozen copies: no document as sent to compare with.
        return Comparaison(previous.numero, latest.numero, comparable=False)
    avant, apres = json.loads(copies[0].document), json.loads(copies[1].document)
    chiffres, textes = compare_documents(avant, apres, libelles)
    return Comparaison(previous.numero, latest.numero, chiffres, textes)
