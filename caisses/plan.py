"""The plan of circular n° 16/73 as data: numbering, wording and the entry page of each section.

The report, the side navigation of the entry pages and the completeness of the national view all read it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    code: str  # stable key: "I.1", "II.4", "III"
    numero: str  # as printed: "1", "a)"
    titre: str
    aide: str = ""
    sous_sections: tuple = field(default_factory=tuple)
    saisie_url: str = ""  # URL name of the entry page, kwargs code + annee


@dataclass(frozen=True)
class Partie:
    numero: str
    titre: str
    sections: tuple


class EtatSection:
    VIDE = "vide"
    EN_COURS = "en_cours"
    COMPLET = "complet"
    ERREURS = "erreurs"

    LABELS = {VIDE: "vide", EN_COURS: "en cours", COMPLET: "complet", ERREURS: "erreurs"}


PLAN = (
    Partie(
        "I",
        "Organisation et moyens",
        (
            Section(
                "I.1",
                "1",
                "Effectifs",
                "Assistants sociaux cadres, assistants sociaux, agents de secrétariat, autre personnel : "
                "effectif théorique au 1er janvier et effectif réel au 31 décembre.",
                (
                    ("a", "a)", "Organigramme avec affectations par caisse primaire, par service ou par établissement"),
                    ("b", "b)", "Mouvements de personnel : embauches, départs"),
                    ("c", "c)", "Absentéisme"),
                    ("d", "d)", "Boursiers"),
                ),
                saisie_url="saisie_i1",
            ),
            Section(
                "I.2",
                "2",
                "Installation des services",
                "Locaux, moyens matériels mis à la disposition du personnel, état des conventions signées entre la "
                "caisse régionale et les caisses primaires, montant de la participation financière de la caisse "
                "régionale. Préciser notamment les améliorations obtenues ou nécessaires.",
                saisie_url="saisie_i2",
            ),
            Section(
                "I.3",
                "3",
                "Formation professionnelle permanente, perfectionnement et formation complémentaire en cours d'emploi",
                "Nature des formations reçues ou des perfectionnements suivis, nombre de participants, temps passé "
                "(en pourcentage), à l'exception du temps de trajet.",
                saisie_url="saisie_i3",
            ),
            Section(
                "I.4",
                "4",
                "Réunions de service",
                "Leur périodicité, leur contenu, à l'échelon régional et à l'échelon local ; éventuellement les "
                "réunions avec les autres services de la caisse et leurs objectifs.",
                saisie_url="saisie_i4",
            ),
        ),
    ),
    Partie(
        "II",
        "Activités du service",
        (
            Section(
                "II.1",
                "1",
                "Activités spécifiques",
                "À développer selon la région considérée. Joindre des tableaux donnant une analyse quantitative de "
                "l'activité. Indiquer s'il y a eu une évolution dans la nature même des activités.",
                saisie_url="saisie_ii1",
            ),
            Section("II.2", "2", "Formation des étudiants", "À développer selon la région.", saisie_url="saisie_ii2"),
            Section(
                "II.3",
                "3",
                "Coordination – Circonscriptions de service social",
                "Indiquer l'évolution constatée au cours de l'année.",
                saisie_url="saisie_ii3",
            ),
            Section("II.4", "4", "Autres activités", saisie_url="saisie_ii4"),
        ),
    ),
    Partie(
        "III",
        "Observations – Commentaires – Perspectives d'avenir",
        (
            Section(
                "III",
                "",
                "Observations, commentaires, perspectives d'avenir",
                "Partie laissée à l'initiative de la caisse : expériences ou études particulières effectuées dans la "
                "région, perspectives.",
                saisie_url="saisie_iii",
            ),
        ),
    ),
)

SECTIONS = {section.code: section for partie in PLAN for section in partie.sections}

# Each app registers, per section code, a function (rapport) → EtatSection value.
SECTION_STATUS = {}

# Each app registers, per section code, the models (with django-simple-history) whose changes make the
# section's "Historique" page: a model with a `rapport` foreign key, or (model, lookup to the report's id),
# e.g. SECTION_HISTORY.setdefault("II.4", []).append((ItemEnquete, "enquete__rapport_id")).
SECTION_HISTORY = {}


def section_states(rapport):
    """{section code: state} for the side navigation of one report (all empty while nobody wrote to it)."""
    if rapport.pk is None:
        return dict.fromkeys(SECTIONS, EtatSection.VIDE)
    return {code: SECTION_STATUS[code](rapport) if code in SECTION_STATUS else EtatSection.VIDE for code in SECTIONS}


# The same states for many reports at once (the national view): per section code, a function
# (rapports) → {rapport id: EtatSection value} answering in a fixed number of queries, whatever the number of reports.
SECTION_STATUS_MANY = {}


def section_states_many(rapports):
    """{rapport id: {section code: state}} of saved reports.

    A section registered in SECTION_STATUS without a SECTION_STATUS_MANY function is asked report by report
    (correct, but its query count then grows with the number of reports).
    """
    rapports = [rapport for rapport in rapports if rapport.pk is not None]
    by_section = {}
    for code in SECTIONS:
        if code in SECTION_STATUS_MANY:
            by_section[code] = SECTION_STATUS_MANY[code](rapports) if rapports else {}
        elif code in SECTION_STATUS:
            by_section[code] = {rapport.pk: SECTION_STATUS[code](rapport) for rapport in rapports}
        else:
            by_section[code] = {}
    return {
        rapport.pk: {code: by_section[code].get(rapport.pk, EtatSection.VIDE) for code in SECTIONS}
        for rapport in rapports
    }


# Besides a report's own data (its version_donnees moves with every write, caisses.guard), a state may read
# reference data: each app registers a function () → a value that changes whenever that reference data changes
# in a way that could change a state (the categories of staff, the catalogue and its rules).
SECTION_STATUS_INPUTS = []
STATES_TIMEOUT = 24 * 3600


def reference_stamp():
    import hashlib

    return hashlib.sha256(repr([read() for read in SECTION_STATUS_INPUTS]).encode()).hexdigest()[:16]


def section_states_kept(rapports):
    """`section_states_many`, kept in Django's cache per report under its data version, its state and the
    reference data the states read: a report unchanged since the last look costs no query, and a key can never
    name a stale answer. The reference stamp costs one query per registered input."""
    from django.core.cache import cache

    saved = [rapport for rapport in rapports if rapport.pk is not None]
    if not saved:
        return {}
    stamp = reference_stamp()
    keys = {r.pk: f"etats-sections:{r.pk}:{r.version_donnees}:{r.etat}:{stamp}" for r in saved}
    found = cache.get_many(list(keys.values()))
    missing = [r for r in saved if keys[r.pk] not in found]
    computed = section_states_many(missing) if missing else {}
    if computed:
        cache.set_many({keys[pk]: states for pk, states in computed.items()}, STATES_TIMEOUT)
    return {r.pk: found.get(keys[r.pk]) or computed[r.pk] for r in saved}
