"""Read queries of Part II: each a fixed number of SQL queries, whatever the size of the region."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum

from caisses.models import Caisse, RapportAnnuel, Site, one_to_one_of

from .models import (
    Circonscription,
    EnqueteSatisfaction,
    Etudiant,
    GroupeIndicateurs,
    Indicateur,
    PartieDeux,
    Regle,
    Valeur,
)
from .rules import RuleSpec


@dataclass(frozen=True)
class Unite:
    """A row of the entry grid: a caisse primaire, a site, or the region as a whole (key None)."""

    key: str | None
    kind: str  # "caisse", "site", "region"
    pk: int | None
    code: str
    nom: str
    parent_code: str | None = None

    @property
    def is_region(self):
        return self.kind == "region"

    @property
    def form_key(self):
        return self.code if self.key is not None else "region"


def unites_de(region, with_region=True):
    """The CPAMs of the region, each followed by its sites, then the region's own sites and the region row."""
    cpams = list(Caisse.objects.primaires().filter(parent=region).order_by("code"))
    sites = list(Site.objects.filter(caisse__in=[region.pk, *(c.pk for c in cpams)]).order_by("code"))
    by_caisse = {}
    for site in sites:
        by_caisse.setdefault(site.caisse_id, []).append(site)
    unites = []
    for cpam in cpams:
        unites.append(Unite(cpam.code, "caisse", cpam.pk, cpam.code, cpam.nom))
        unites.extend(Unite(s.code, "site", s.pk, s.code, s.nom, cpam.code) for s in by_caisse.get(cpam.pk, []))
    unites.extend(Unite(s.code, "site", s.pk, s.code, s.nom, region.code) for s in by_caisse.get(region.pk, []))
    if with_region:
        unites.append(Unite(None, "region", None, region.code, "Région (ensemble)"))
    return unites


def catalogue(annee, groupe=None):
    """Active indicators of exercice `annee`, in display order, with their group and ratio terms."""
    qs = Indicateur.objects.actifs(annee).ordonnes()
    if groupe:
        qs = qs.filter(groupe__code=groupe)
    return list(qs)


def rule_specs():
    return [
        RuleSpec(
            nature=regle.nature,
            code=regle.indicateur.code if regle.indicateur_id else None,
            termes=tuple(t.code for t in sorted(regle.termes.all(), key=lambda t: (t.groupe.ordre, t.ordre, t.code))),
            niveau=regle.niveau,
        )
        for regle in Regle.objects.filter(active=True)
        .select_related("indicateur")
        .prefetch_related(Prefetch("termes", queryset=Indicateur.objects.select_related("groupe")))
    ]


def _unit_key(caisse_code, site_code):
    return caisse_code or site_code or None


def valeurs_par_unite(rapport):
    """{unit key: {indicator code: Decimal}} of one report, in one query."""
    result = {}
    rows = Valeur.objects.filter(rapport_id=rapport.pk).values_list(
        "caisse__code", "site__code", "indicateur__code", "valeur"
    )
    for caisse_code, site_code, code, valeur in rows:
        result.setdefault(_unit_key(caisse_code, site_code), {})[code] = valeur
    return result


def valeurs_objets(rapport):
    """{(unit key, code): Valeur} for writes."""
    return {
        (_unit_key(v.caisse.code if v.caisse_id else None, v.site.code if v.site_id else None), v.indicateur.code): v
        for v in Valeur.objects.filter(rapport_id=rapport.pk).select_related("caisse", "site", "indicateur")
    }


def valeurs_nationales(annee, codes=None):
    """[(caisse régionale id, unit key, code, valeur)] of every report of one exercice (of `codes` only when
    given), in one query."""
    qs = Valeur.objects.filter(rapport__exercice__annee=annee)
    if codes is not None:
        qs = qs.filter(indicateur__code__in=codes)
    rows = qs.values_list("rapport__caisse_id", "caisse__code", "site__code", "indicateur__code", "valeur")
    return [(region, _unit_key(c, s), code, valeur) for region, c, s, code, valeur in rows]


def sommes_nationales(annee, codes):
    """[(caisse régionale id, code, sum over the report's units, the value entered for the region as a whole)]
    of one exercice, summed by the database in one query: one row per region and indicator, whatever the number
    of units."""
    region_level = Q(caisse__isnull=True, site__isnull=True)
    return list(
        Valeur.objects.filter(rapport__exercice__annee=annee, indicateur__code__in=codes)
        .values_list("rapport__caisse_id", "indicateur__code")
        .annotate(total=Sum("valeur"), region=Sum("valeur", filter=region_level))
        .order_by()
    )


def sommes_par_exercice(annees, codes):
    """[(année, caisse régionale id, code, sum over the report's units)] of several exercices, summed by the
    database in one query (for données aggregated by sum)."""
    return list(
        Valeur.objects.filter(rapport__exercice__annee__in=annees, indicateur__code__in=codes)
        .values_list("rapport__exercice__annee", "rapport__caisse_id", "indicateur__code")
        .annotate(total=Sum("valeur"))
        .order_by()
    )


def rapport_precedent(rapport):
    """The same region's report of the exercice before, or None."""
    return (
        RapportAnnuel.objects.filter(caisse_id=rapport.caisse_id, exercice__annee=rapport.exercice.annee - 1)
        .select_related("exercice")
        .first()
    )


def partie_deux(rapport):
    return one_to_one_of(rapport, "partie_deux") or PartieDeux(rapport=rapport)


def etudiants(rapport):
    return list(Etudiant.objects.filter(rapport_id=rapport.pk))


def circonscriptions(rapport):
    return list(Circonscription.objects.filter(rapport_id=rapport.pk))


def enquete(rapport):
    """The survey with its items (two queries), or None."""
    return EnqueteSatisfaction.objects.filter(rapport_id=rapport.pk).prefetch_related("items").first()


# --- Section states for the plan's navigation (caisses.plan.SECTION_STATUS) ---------------------------------


def etat_ii1(rapport):
    from caisses.plan import EtatSection

    values = valeurs_par_unite(rapport)
    if not values:
        return EtatSection.VIDE
    return _etat_ii1(values, catalogue(rapport.exercice.annee), rule_specs())


def _etat_ii1(values, indicateurs, specs):
    """The II.1 state of a report with some figures, from its values, the catalogue and the rules."""
    from caisses.plan import EtatSection

    from . import rules

    errors = rules.evaluate_rapport_values(values, indicateurs, specs)
    if any(e.is_error for e in errors):
        return EtatSection.ERREURS
    entered = {code for figures in values.values() for code in figures}
    missing = [i for i in indicateurs if not i.is_ratio and i.code not in entered]
    return EtatSection.EN_COURS if missing else EtatSection.COMPLET


def _texts_state(*parts):
    from caisses.plan import EtatSection

    filled = [bool(part) for part in parts]
    if all(filled):
        return EtatSection.COMPLET
    return EtatSection.EN_COURS if any(filled) else EtatSection.VIDE


def _partie_deux_texts(rapport):
    return PartieDeux.objects.filter(rapport_id=rapport.pk).values().first() or {}


def _etat_ii2(has_etudiants, texts):
    return _texts_state(has_etudiants or texts.get("etudiants_commentaire"))


def _etat_ii3(has_circonscriptions, texts):
    return _texts_state(has_circonscriptions, texts.get("coordination_commentaire", "").strip())


def _etat_ii4(has_survey, texts):
    return _texts_state(texts.get("autres_activites", "").strip() or has_survey)


def etat_ii2(rapport):
    texts = _partie_deux_texts(rapport)
    return _etat_ii2(Etudiant.objects.filter(rapport_id=rapport.pk).exists(), texts)


def etat_ii3(rapport):
    texts = _partie_deux_texts(rapport)
    return _etat_ii3(Circonscription.objects.filter(rapport_id=rapport.pk).exists(), texts)


def etat_ii4(rapport):
    texts = _partie_deux_texts(rapport)
    return _etat_ii4(EnqueteSatisfaction.objects.filter(rapport_id=rapport.pk).exists(), texts)


# --- Many reports at once: the national view (caisses.plan.SECTION_STATUS_MANY) -----------------------------
# Same decisions as above, from facts read for every report in one query per model.


def _ids_with(model, ids):
    return set(model.objects.filter(rapport_id__in=ids).values_list("rapport_id", flat=True).distinct())


def _textes_many(ids):
    return {row["rapport_id"]: row for row in PartieDeux.objects.filter(rapport_id__in=ids).values()}


def etats_ii1(rapports):
    from caisses.plan import EtatSection

    ids = [r.pk for r in rapports]
    values = {}
    rows = Valeur.objects.filter(rapport_id__in=ids).values_list(
        "rapport_id", "caisse__code", "site__code", "indicateur__code", "valeur"
    )
    for rapport_id, caisse_code, site_code, code, valeur in rows:
        values.setdefault(rapport_id, {}).setdefault(_unit_key(caisse_code, site_code), {})[code] = valeur
    if not values:
        return dict.fromkeys(ids, EtatSection.VIDE)
    specs = rule_specs()
    catalogues = {annee: catalogue(annee) for annee in {r.exercice.annee for r in rapports if r.pk in values}}
    return {
        r.pk: _etat_ii1(values[r.pk], catalogues[r.exercice.annee], specs) if r.pk in values else EtatSection.VIDE
        for r in rapports
    }


def etats_inputs():
    """What II.1's state and the national figures (rapports.national.kept) read besides a report's data: the
    catalogue (indicators, their groups) and its rules (caisses.plan)."""
    return [
        list(GroupeIndicateurs.objects.order_by("pk").values_list()),
        list(Indicateur.objects.order_by("pk").values_list()),
        list(Regle.objects.order_by("pk").values_list()),
        list(Regle.termes.through.objects.order_by("pk").values_list()),
    ]


def _etats_textes(rapports, model, decide):
    ids = [r.pk for r in rapports]
    texts, present = _textes_many(ids), _ids_with(model, ids)
    return {pk: decide(pk in present, texts.get(pk, {})) for pk in ids}


def etats_ii2(rapports):
    return _etats_textes(rapports, Etudiant, _etat_ii2)


def etats_ii3(rapports):
    return _etats_textes(rapports, Circonscription, _etat_ii3)


def etats_ii4(rapports):
    return _etats_textes(rapports, EnqueteSatisfaction, _etat_ii4)
