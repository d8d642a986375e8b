"""A suggested paragraph per group of II.1, written from the region's totals: plain French templates, nothing sent
anywhere. The responsable inserts it into the narrative and edits it there; nothing is saved from here.

Each indicator of the default catalogue has its sentence in three forms, because French agrees them with the
figure: none (« aucune personne n'a été aidée… »), one (below 2: « 1 personne a été aidée… ») and several
(« 14 583 personnes ont été aidées… »). `{n}` is the figure in French format (caisses.numbers), `{v}` its
variation from N−1 (« (−0,7 %) », « (+1,2 pt) » for a rate) when the N−1 report has that figure. A figure that
details another one (« dont 12 893 individuellement ») joins its sentence when that one is written. An
indicator without a template in the code takes the three sentences its administrator wrote in the catalogue
(Indicateur.phrase_aucun / phrase_un / phrase_plusieurs, `{n}` and `{v}` only), else it reads « <libellé> :
<valeur> <unité> ». A missing figure writes nothing.
"""

import string
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.exceptions import ValidationError

from caisses.numbers import NON_CALCULABLE, format_pourcent, format_saisi, format_variation, kind_of


@dataclass(frozen=True)
class Modele:
    aucun: str
    un: str
    plusieurs: str
    parent: str | None = None  # the indicator whose sentence this one details when it is written
    detail: tuple = ()  # (aucun, un, plusieurs) as a detail of the parent's sentence
    dont: bool = True  # the details are introduced by « dont »

    def forme(self, valeur, formes=None):
        aucun, un, plusieurs = formes or (self.aucun, self.un, self.plusieurs)
        if valeur == 0:
            return aucun
        return un if abs(valeur) < 2 else plusieurs


def taux(phrase):
    """A rate reads the same whatever its value: « le taux … est de 45,3 % »."""
    return Modele(phrase, phrase, phrase)


def aidees(complement):
    return Modele(
        f"aucune personne n'a été aidée {complement}{{v}}",
        f"{{n}} personne a été aidée {complement}{{v}}",
        f"{{n}} personnes ont été aidées {complement}{{v}}",
    )


def beneficie(complement):
    return Modele(
        f"aucune personne n'a bénéficié {complement}{{v}}",
        f"{{n}} personne a bénéficié {complement}{{v}}",
        f"{{n}} personnes ont bénéficié {complement}{{v}}",
    )


def actions(nom_singulier, nom_pluriel):
    return Modele(
        f"aucune {nom_singulier} n'a été menée{{v}}",
        f"{{n}} {nom_singulier} a été menée{{v}}",
        f"{{n}} {nom_pluriel} ont été menées{{v}}",
    )


def beneficiaires(sujet, parent):
    return Modele(
        f"{sujet} n'ont réuni aucun bénéficiaire{{v}}",
        f"{sujet} ont réuni {{n}} bénéficiaire{{v}}",
        f"{sujet} ont réuni {{n}} bénéficiaires{{v}}",
        parent=parent,
        detail=("sans aucun bénéficiaire{v}", "pour {n} bénéficiaire{v}", "pour {n} bénéficiaires{v}"),
        dont=False,
    )


def demandes(complement):
    return Modele(
        f"aucune demande n'est venue {complement}{{v}}",
        f"{{n}} demande est venue {complement}{{v}}",
        f"{{n}} demandes sont venues {complement}{{v}}",
    )


# In the order the sentences are written within their group (a detailed figure before its details).
MODELES = {
    "personnes_aidees_total": Modele(
        "le service social n'a aidé aucune personne{v}",
        "le service social a aidé {n} personne{v}",
        "le service social a aidé {n} personnes{v}",
    ),
    "personnes_aidees_individuel": Modele(
        "aucune personne n'a été aidée individuellement{v}",
        "{n} personne a été aidée individuellement{v}",
        "{n} personnes ont été aidées individuellement{v}",
        parent="personnes_aidees_total",
        detail=("aucune individuellement{v}", "{n} individuellement{v}", "{n} individuellement{v}"),
    ),
    "personnes_aidees_collectif": Modele(
        "aucune personne n'a été aidée collectivement{v}",
        "{n} personne a été aidée collectivement{v}",
        "{n} personnes ont été aidées collectivement{v}",
        parent="personnes_aidees_total",
        detail=("aucune collectivement{v}", "{n} collectivement{v}", "{n} collectivement{v}"),
    ),
    "personnes_aidees_non_reparties": Modele(
        "aucune personne aidée n'est restée sans répartition{v}",
        "{n} personne aidée n'est pas répartie{v}",
        "{n} personnes aidées ne sont pas réparties{v}",
        parent="personnes_aidees_total",
        detail=("aucune sans répartition{v}", "{n} sans répartition{v}", "{n} sans répartition{v}"),
    ),
    "domaine_acces_soins": aidees("pour l'accès aux soins"),
    "domaine_maintien_emploi": aidees("pour le maintien dans l'emploi"),
    "domaine_retour_emploi": aidees("pour le retour à l'emploi"),
    "domaine_personnes_agees": aidees("au titre de l'autonomie des personnes âgées"),
    "domaine_malades_handicapees": aidees("au titre de l'autonomie des personnes gravement malades ou handicapées"),
    "domaine_non_repartis": aidees("sans domaine prioritaire précisé"),
    "type_conseil": beneficie("d'un conseil social"),
    "type_mediation": beneficie("d'une médiation sociale"),
    "type_accompagnement": beneficie("d'un accompagnement social"),
    "accompagnements_termines": Modele(
        "aucun accompagnement ne s'est terminé{v}",
        "{n} accompagnement s'est terminé{v}",
        "{n} accompagnements se sont terminés{v}",
    ),
    "objectifs_atteints": Modele(
        "aucun accompagnement terminé n'a totalement atteint ses objectifs{v}",
        "{n} accompagnement terminé a totalement atteint ses objectifs{v}",
        "{n} accompagnements terminés ont totalement atteint leurs objectifs{v}",
        parent="accompagnements_termines",
        detail=(
            "aucun avec des objectifs totalement atteints{v}",
            "{n} avec des objectifs totalement atteints{v}",
            "{n} avec des objectifs totalement atteints{v}",
        ),
    ),
    "objectifs_partiels": Modele(
        "aucun accompagnement terminé n'a partiellement atteint ses objectifs{v}",
        "{n} accompagnement terminé a partiellement atteint ses objectifs{v}",
        "{n} accompagnements terminés ont partiellement atteint leurs objectifs{v}",
        parent="accompagnements_termines",
        detail=(
            "aucun avec des objectifs partiellement atteints{v}",
            "{n} avec des objectifs partiellement atteints{v}",
            "{n} avec des objectifs partiellement atteints{v}",
        ),
    ),
    "taux_objectifs_atteints": taux("le taux d'objectifs totalement atteints est de {n}{v}"),
    "taux_objectifs_partiels": taux("le taux d'objectifs partiellement atteints est de {n}{v}"),
    "collectif_info_actions": Modele(
        "aucune information collective n'a été organisée{v}",
        "{n} information collective a été organisée{v}",
        "{n} informations collectives ont été organisées{v}",
    ),
    "collectif_info_beneficiaires": beneficiaires("les informations collectives", "collectif_info_actions"),
    "collectif_groupes_actions": actions(
        "action de travail social avec les groupes", "actions de travail social avec les groupes"
    ),
    "collectif_groupes_beneficiaires": beneficiaires("les actions avec les groupes", "collectif_groupes_actions"),
    "collectif_isic_actions": actions(
        "intervention sociale d'intérêt collectif", "interventions sociales d'intérêt collectif"
    ),
    "collectif_isic_beneficiaires": beneficiaires(
        "les interventions sociales d'intérêt collectif", "collectif_isic_actions"
    ),
    "origine_offre_service": demandes("d'une offre de service (détection proactive)"),
    "origine_tiers": demandes("de tiers partenaires"),
    "origine_spontanee": Modele(
        "aucune demande n'a été spontanée{v}",
        "{n} demande a été spontanée{v}",
        "{n} demandes ont été spontanées{v}",
    ),
    "offres_service_emises": Modele(
        "aucune offre de service n'a été émise{v}",
        "{n} offre de service a été émise{v}",
        "{n} offres de service ont été émises{v}",
    ),
    "appels_nouveaux_demandeurs": Modele(
        "aucun appel de nouveau demandeur n'a été reçu{v}",
        "{n} appel de nouveau demandeur a été reçu{v}",
        "{n} appels de nouveaux demandeurs ont été reçus{v}",
    ),
    "appels_traites_immediatement": Modele(
        "aucun appel n'a été traité immédiatement{v}",
        "{n} appel a été traité immédiatement{v}",
        "{n} appels ont été traités immédiatement{v}",
        parent="appels_nouveaux_demandeurs",
        detail=("aucun traité immédiatement{v}", "{n} traité immédiatement{v}", "{n} traités immédiatement{v}"),
    ),
    "appels_traites_24h": Modele(
        "aucun appel n'a été traité sous 24 h{v}",
        "{n} appel a été traité sous 24 h{v}",
        "{n} appels ont été traités sous 24 h{v}",
        parent="appels_nouveaux_demandeurs",
        detail=("aucun traité sous 24 h{v}", "{n} traité sous 24 h{v}", "{n} traités sous 24 h{v}"),
    ),
    "taux_appels_immediats": taux("le taux d'appels traités immédiatement est de {n}{v}"),
    "taux_appels_24h": taux("le taux d'appels traités sous 24 h est de {n}{v}"),
    "saisines_recues": Modele(
        "aucune saisine n'a été reçue{v}",
        "{n} saisine a été reçue{v}",
        "{n} saisines ont été reçues{v}",
    ),
    "saisines_offre_service": Modele(
        "aucune saisine n'a donné lieu à une offre de service{v}",
        "{n} saisine a donné lieu à une offre de service{v}",
        "{n} saisines ont donné lieu à une offre de service{v}",
        parent="saisines_recues",
        detail=(
            "aucune suivie d'une offre de service{v}",
            "{n} suivie d'une offre de service{v}",
            "{n} suivies d'une offre de service{v}",
        ),
    ),
    "saisines_contact": Modele(
        "aucune saisine n'a été suivie d'un contact{v}",
        "{n} saisine a été suivie d'un contact{v}",
        "{n} saisines ont été suivies d'un contact{v}",
        parent="saisines_recues",
        detail=("aucune suivie d'un contact{v}", "{n} suivie d'un contact{v}", "{n} suivies d'un contact{v}"),
    ),
    "saisines_offre_3_jours": Modele(
        "aucune saisine n'a reçu d'offre de service sous 3 jours{v}",
        "{n} saisine a reçu une offre de service sous 3 jours{v}",
        "{n} saisines ont reçu une offre de service sous 3 jours{v}",
    ),
    "taux_offre_service": taux("le taux de saisines ayant donné lieu à une offre de service est de {n}{v}"),
    "taux_offre_3_jours": taux("le taux d'offres de service sous 3 jours est de {n}{v}"),
    "taux_contact": taux("le taux de saisines suivies d'un contact est de {n}{v}"),
    "publics_precarite": Modele(
        "aucune personne en situation de précarité n'a été aidée{v}",
        "{n} personne en situation de précarité a été aidée{v}",
        "{n} personnes en situation de précarité ont été aidées{v}",
    ),
}
_RANG = {code: rang for rang, code in enumerate(MODELES)}
CHAMPS_PHRASE = ("phrase_aucun", "phrase_un", "phrase_plusieurs")


def valider_phrase(texte):
    """A catalogue sentence may hold {n} and {v} only: str.format would read anything else (an attribute, an
    index) from the figure."""
    try:
        parts = list(string.Formatter().parse(texte))
    except ValueError as error:
        raise ValidationError(
            "Accolade isolée : écrivez {n} pour le chiffre et {v} pour sa variation, sans autre accolade."
        ) from error
    for _literal, name, spec, conversion in parts:
        if name is not None and (name not in ("n", "v") or spec or conversion):
            raise ValidationError(
                f"« {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} » n'est pas "
                "reconnu : seuls {n} (le chiffre) et {v} (sa variation) sont permis."
            )


def modeles_du_catalogue(indicateurs):
    """{code: Modele} of the indicators whose administrator wrote their three sentences; a default indicator keeps
    how its figure details another one. A sentence stored by a path that skipped validation is left out."""
    result = {}
    for indicateur in indicateurs:
        formes = tuple((getattr(indicateur, champ, "") or "").strip() for champ in CHAMPS_PHRASE)
        if not all(formes):
            continue
        try:
            for forme in formes:
                valider_phrase(forme)
        except ValidationError:
            continue
        aucun, un, plusieurs = formes
        base = MODELES.get(indicateur.code)
        if base is None:
            result[indicateur.code] = Modele(aucun, un, plusieurs)
        else:
            result[indicateur.code] = replace(base, aucun=aucun, un=un, plusieurs=plusieurs)
    return result


# Units that end with an s in the singular too.
INVARIABLES = ("fois", "mois", "cas", "jours-homme")


@dataclass(frozen=True)
class Chiffre:
    """One total of the region: its catalogue line (aggregation.Spec), N and N−1 (None when unknown)."""

    spec: object
    n: Decimal | None
    n1: Decimal | None = None


@dataclass(frozen=True)
class Paragraphe:
    groupe: str  # the group's code (the paragraph's anchor)
    libelle: str
    texte: str


def _nombre(chiffre):
    spec = chiffre.spec
    if spec.is_ratio:
        return format_pourcent(chiffre.n, 1)
    return format_saisi(chiffre.n, spec.decimales)


def _variation(chiffre, avec_n1):
    """« (−0,7 %) », « (+1,2 pt) », or "" without N−1 or when it cannot be computed (N−1 of 0)."""
    if not avec_n1 or chiffre.n1 is None:
        return ""
    kind = kind_of(chiffre.spec.unite_mesure, chiffre.spec.is_ratio)
    texte = format_variation(chiffre.n, chiffre.n1, kind, decimals=1)
    return "" if texte == NON_CALCULABLE else f" ({texte})"


def unite_accordee(valeur, unite):
    """« 1 personne », « 2 personnes »: a plural unit loses its s below 2 (French agrees from 2 on)."""
    if abs(valeur) < 2 and unite.endswith("s") and unite not in INVARIABLES:
        return unite[:-1]
    return unite


def _generique(chiffre, v):
    """« <libellé> : <valeur> <unité> » for an indicator the templates do not know."""
    spec = chiffre.spec
    if spec.is_ratio:
        return f"{spec.libelle} : {_nombre(chiffre)}{v}"
    unite = unite_accordee(chiffre.n, spec.unite_mesure or "")
    return f"{spec.libelle} : {_nombre(chiffre)}{' ' + unite if unite else ''}{v}"


def _enumeration(parties):
    return parties[0] if len(parties) == 1 else f"{', '.join(parties[:-1])} et {parties[-1]}"


def _majuscule(texte):
    return texte[:1].upper() + texte[1:]


def paragraphe(annee, chiffres, avec_n1, catalogue=None):
    """The paragraph of one group from its region totals [Chiffre], or "" when none of them is known.
    `catalogue`: the administrator's sentences (modeles_du_catalogue), before the code's."""
    modeles = {**MODELES, **(catalogue or {})}
    known = sorted(
        (c for c in chiffres if c.n is not None),
        key=lambda c: (_RANG.get(c.spec.code, len(_RANG)),),
    )
    phrases = []  # [(code, phrase, details, dont, generique)]
    ecrites = {}
    for chiffre in known:
        code = chiffre.spec.code
        v, n = _variation(chiffre, avec_n1), _nombre(chiffre)
        modele = modeles.get(code)
        if modele is None:
            phrases.append([code, _generique(chiffre, v), [], True, True])
            continue
        if modele.parent in ecrites and modele.detail:
            parent = ecrites[modele.parent]
            parent[2].append(modele.forme(chiffre.n, modele.detail).format(n=n, v=v))
            parent[3] = modele.dont
            continue
        phrase = [code, modele.forme(chiffre.n).format(n=n, v=v), [], True, False]
        ecrites[code] = phrase
        phrases.append(phrase)
    textes = []
    for rang, (_code, phrase, details, dont, generique) in enumerate(phrases):
        if details:
            phrase += (", dont " if dont else ", ") + _enumeration(details)
        if rang == 0:
            phrase = f"Exercice {annee}. {phrase}" if generique else f"En {annee}, {phrase}"
        textes.append(_majuscule(phrase) + ".")
    return " ".join(textes)


def paragraphes(annee, tableaux, indicateurs=()):
    """[Paragraphe] of the II.1 grid's tables (activites.grid.Tableau): their totals' cells, N and N−1;
    `indicateurs`: the exercice's catalogue, for the sentences its administrator wrote."""
    catalogue = modeles_du_catalogue(indicateurs)
    result = []
    for tableau in tableaux:
        chiffres = [Chiffre(cell.spec, cell.valeur, cell.n1) for cell in tableau.totaux]
        texte = paragraphe(annee, chiffres, tableau.avec_n1, catalogue)
        if texte:
            result.append(Paragraphe(tableau.code, tableau.libelle, texte))
    return result
