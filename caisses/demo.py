"""The demo organisations, exercices and users. Later parts extend `build_demo` with figures."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Caisse, Exercice, Membership, RapportAnnuel, Site
from .plan import SECTION_HISTORY

NATIONALE = ("CNAM", "Caisse nationale de l'Assurance Maladie")

# The three regions of the demo: (code, name, [(cpam code, cpam name, town, postcode)]).
REGIONS = [
    (
        "CARSAT-PL",
        "CARSAT Pays de la Loire",
        [
            ("CPAM-44", "CPAM de Loire-Atlantique", "Nantes", "44000"),
            ("CPAM-49", "CPAM de Maine-et-Loire", "Angers", "49000"),
            ("CPAM-53", "CPAM de la Mayenne", "Laval", "53000"),
            ("CPAM-72", "CPAM de la Sarthe", "Le Mans", "72000"),
            ("CPAM-85", "CPAM de la Vendée", "La Roche-sur-Yon", "85000"),
        ],
    ),
    (
        "CARSAT-BRE",
        "CARSAT Bretagne",
        [
            ("CPAM-22", "CPAM des Côtes-d'Armor", "Saint-Brieuc", "22000"),
            ("CPAM-29", "CPAM du Finistère", "Quimper", "29000"),
            ("CPAM-35", "CPAM d'Ille-et-Vilaine", "Rennes", "35000"),
            ("CPAM-56", "CPAM du Morbihan", "Vannes", "56000"),
        ],
    ),
    (
        "CARSAT-CE",
        "CARSAT Centre-Val de Loire",
        [
            ("CPAM-18", "CPAM du Cher", "Bourges", "18000"),
            ("CPAM-37", "CPAM d'Indre-et-Loire", "Tours", "37000"),
            ("CPAM-45", "CPAM du Loiret", "Orléans", "45000"),
        ],
    ),
]

DEMO_USERS = [
    # (username, role, first name, last name)
    ("admin", Membership.Role.ADMINISTRATEUR, "Alice", "Administratrice"),
    ("relecteur", Membership.Role.RELECTEUR, "Romain", "Relecteur"),
    ("responsable", Membership.Role.RESPONSABLE, "Régine", "Responsable"),
    ("agent", Membership.Role.AGENT, "Arthur", "Agent"),
]


def demo_password(username):
    return f"demo-{username}"


def working_days(year):
    """Weekdays of the year less the 11 French public holidays, roughly (at least 200)."""
    day = datetime.date(year, 1, 1)
    weekdays = 0
    while day.year == year:
        weekdays += day.weekday() < 5
        day += datetime.timedelta(days=1)
    return max(weekdays - 9, 200)


def due_date(year):
    """The demo's due date of an exercice: the report of year N is transmitted by 30 April N+1."""
    return datetime.date(year + 1, 4, 30)


def current_year(today=None):
    """The exercice being written today: the earliest whose due date is still ahead.

    Until 30 April the reports of last year are due; from 1 May on, the year in progress is being written.
    """
    today = today or datetime.date.today()
    return today.year - 1 if today <= due_date(today.year - 1) else today.year


def demo_years(years, today=None):
    """The last `years` exercices up to the one being written (in December 2026: 2022–2026)."""
    last = current_year(today)
    return list(range(last - years + 1, last + 1))


def generated_regions(count, cpams_per_region):
    """Regions beyond the three named ones, for the benchmark set."""
    regions = list(REGIONS[:count])
    for index in range(len(regions), count):
        number = index + 1
        cpams = [
            (f"CPAM-R{number:02d}-{c + 1}", f"CPAM {c + 1} de la région {number}", f"Ville {c + 1}", f"{number:02d}000")
            for c in range(cpams_per_region or 4)
        ]
        regions.append((f"CARSAT-R{number:02d}", f"CARSAT Région {number}", cpams))
    if cpams_per_region:
        regions = [(code, name, _extend_cpams(code, cpams, cpams_per_region)) for code, name, cpams in regions]
    return regions


def _extend_cpams(region_code, cpams, wanted):
    cpams = list(cpams[:wanted])
    for c in range(len(cpams), wanted):
        cpams.append((f"CPAM-{region_code[7:]}-{c + 1}", f"CPAM {c + 1} de {region_code}", f"Ville {c + 1}", "99000"))
    return cpams


def _upsert(model, lookup, values, existing):
    """Create or update in bulk: `existing` maps lookup value → instance."""
    instance = existing.get(lookup)
    if instance is None:
        return model(**values), True
    changed = False
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return instance, changed


@transaction.atomic
def build_demo(regions=3, years=5, cpams_per_region=None, progress=None):
    """Create or update the demo set; running it twice changes nothing. Returns the regions built."""
    nationale, _ = Caisse.objects.update_or_create(
        code=NATIONALE[0], defaults={"nom": NATIONALE[1], "type": Caisse.Type.NATIONALE, "parent": None}
    )
    region_specs = generated_regions(regions, cpams_per_region)

    existing_caisses = {c.code: c for c in Caisse.objects.all()}
    to_create, to_update = [], []
    for code, name, _cpams in region_specs:
        obj, changed = _upsert(
            Caisse,
            code,
            {"code": code, "nom": name, "type": Caisse.Type.REGIONALE, "parent": nationale},
            existing_caisses,
        )
        (to_create if obj.pk is None else to_update if changed else []).append(obj)
    Caisse.objects.bulk_create(to_create)
    Caisse.objects.bulk_update(to_update, ["nom", "type", "parent"])
    region_by_code = {c.code: c for c in Caisse.objects.regionales()}

    to_create, to_update = [], []
    for code, _name, cpams in region_specs:
        for cpam_code, cpam_name, _town, _postcode in cpams:
            obj, changed = _upsert(
                Caisse,
                cpam_code,
                {"code": cpam_code, "nom": cpam_name, "type": Caisse.Type.PRIMAIRE, "parent": region_by_code[code]},
                existing_caisses,
            )
            (to_create if obj.pk is None else to_update if changed else []).append(obj)
    Caisse.objects.bulk_create(to_create)
    Caisse.objects.bulk_update(to_update, ["nom", "type", "parent"])
    caisse_by_code = {c.code: c for c in Caisse.objects.all()}

    existing_sites = {s.code: s for s in Site.objects.all()}
    to_create, to_update = [], []
    for _code, _name, cpams in region_specs:
        for position, (cpam_code, _cpam_name, town, postcode) in enumerate(cpams):
            short = cpam_code.removeprefix("CPAM-")
            specs = [
                (
                    f"UL-{short}",
                    f"Unité locale de {town}",
                    Site.Type.UNITE_LOCALE,
                    f"{10 + position} rue de la République",
                    "du lundi au vendredi de 8h30 à 12h00 et de 13h30 à 16h30",
                ),
                (
                    f"PAS-{short}",
                    f"Point d'accueil social de {town}",
                    Site.Type.PAS,
                    f"{2 + position} place de la Mairie",
                    "mardi et jeudi de 9h00 à 12h00",
                ),
            ]
            if position % 2 == 0:
                specs.append(
                    (
                        f"PPRV-{short}",
                        f"Permanence sur rendez-vous de {town}",
                        Site.Type.PPRV,
                        "Centre social, 1 allée des Tilleuls",
                        "le mercredi sur rendez-vous",
                    )
                )
            for site_code, site_name, site_type, address, hours in specs:
                obj, changed = _upsert(
                    Site,
                    site_code,
                    {
                        "code": site_code,
                        "nom": site_name,
                        "type": site_type,
                        "caisse": caisse_by_code[cpam_code],
                        "adresse": address,
                        "code_postal": postcode,
                        "ville": town,
                        "telephone": f"02 {position + 40} 00 00 {len(site_code):02d}",
                        "courriel": f"service-social.{short.lower()}@assurance-maladie.invalid",
                        "horaires": hours,
                        "etat_locaux": "Locaux accessibles aux personnes à mobilité réduite."
                        if position % 3
                        else "Locaux vétustes, une rénovation est demandée.",
                    },
                    existing_sites,
                )
                (to_create if obj.pk is None else to_update if changed else []).append(obj)
    Site.objects.bulk_create(to_create)
    Site.objects.bulk_update(
        to_update,
        [
            "nom",
            "type",
            "caisse",
            "adresse",
            "code_postal",
            "ville",
            "telephone",
            "courriel",
            "horaires",
            "etat_locaux",
        ],
    )

    exercices = []
    for year in demo_years(years):
        exercice, _ = Exercice.objects.update_or_create(
            annee=year,
            defaults={
                "date_limite": due_date(year),
                "jours_theoriques_travail": working_days(year),
                "ouvert": True,
            },
        )
        exercices.append(exercice)

    regions_built = [region_by_code[code] for code, _n, _c in region_specs]
    existing_rapports = set(
        RapportAnnuel.objects.filter(caisse__in=regions_built).values_list("caisse_id", "exercice_id")
    )
    RapportAnnuel.objects.bulk_create(
        [
            RapportAnnuel(caisse=region, exercice=exercice)
            for region in regions_built
            for exercice in exercices
            if (region.pk, exercice.pk) not in existing_rapports
        ]
    )

    first_region = region_by_code[REGIONS[0][0]]
    first_cpam = caisse_by_code[REGIONS[0][2][0][0]]
    scope = {
        Membership.Role.ADMINISTRATEUR: nationale,
        Membership.Role.RELECTEUR: nationale,
        Membership.Role.RESPONSABLE: first_region,
        Membership.Role.AGENT: first_cpam,
    }
    User = get_user_model()
    for username, role, first_name, last_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@demo.invalid"
        user.is_staff = user.is_superuser = role == Membership.Role.ADMINISTRATEUR
        user.set_password(demo_password(username))
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"role": role, "caisse": scope[role], "site": None})

    for extend in DEMO_EXTENSIONS:
        extend(regions_built, exercices, progress=progress)
    record_initial_entries(regions_built, exercices)
    return regions_built


def _initial_entry_date(annee, now):
    """When the demo says a report's figures were first entered: early the next year, never in the future."""
    entered = timezone.make_aware(datetime.datetime(annee + 1, 2, 1, 9))
    return min(entered, now - datetime.timedelta(minutes=5))


def record_initial_entries(regions, exercices):
    """Give every demo row without history its creation record, so each section's history starts somewhere.

    The parts fill the demo with bulk_create, which writes no history: one bulk insert per tracked model here
    (rows that already have a record are left alone, so a second run adds nothing). The author is the
    region's responsable when the demo has one (else « système »), the date early in the following year.
    """
    rapports = {
        r.pk: r
        for r in RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices).select_related("exercice")
    }
    responsables = {
        m.caisse_id: m.user
        for m in Membership.objects.filter(role=Membership.Role.RESPONSABLE, caisse__in=regions).select_related("user")
    }
    now = timezone.now()
    seen = set()
    for entries in SECTION_HISTORY.values():
        for entry in entries:
            model, lookup = entry if isinstance(entry, tuple) else (entry, "rapport_id")
            if model in seen:
                continue
            seen.add(model)
            history = model.history.model
            scope = {f"{lookup}__in": list(rapports)}
            recorded = set(history.objects.filter(**scope).values_list("id", flat=True))
            missing = [
                o for o in model.objects.filter(**scope).annotate(demo_rapport_id=F(lookup)) if o.pk not in recorded
            ]
            for obj in missing:
                rapport = rapports[obj.demo_rapport_id]
                obj._history_date = _initial_entry_date(rapport.exercice.annee, now)
                obj._history_user = responsables.get(rapport.caisse_id)
            model.history.bulk_history_create(missing, batch_size=1000)


# Later parts register functions (regions, exercices, progress) that add their figures to the demo set.
DEMO_EXTENSIONS = []
