"""Test data: factories and the shared organisation (two regions, every role, outsiders)."""

import datetime
from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model

from caisses.models import Caisse, Exercice, Membership, Site

User = get_user_model()


class CaisseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caisse
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CAISSE-{n}")
    nom = factory.LazyAttribute(lambda o: f"Caisse {o.code}")
    type = Caisse.Type.PRIMAIRE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"SITE-{n}")
    nom = factory.LazyAttribute(lambda o: f"Site {o.code}")
    type = Site.Type.UNITE_LOCALE
    adresse = "1 rue de la Paix"
    code_postal = "44000"
    ville = "Nantes"
    horaires = "du lundi au vendredi"


class ExerciceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercice
        django_get_or_create = ["annee"]

    annee = 2025
    date_limite = factory.LazyAttribute(lambda o: datetime.date(o.annee + 1, 4, 30))
    jours_theoriques_travail = 208


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.invalid")
    password = factory.django.Password("motdepasse-test")


def user_with_role(username, role, caisse, site=None, **extra):
    user = UserFactory(username=username, **extra)
    Membership.objects.update_or_create(user=user, defaults={"role": role, "caisse": caisse, "site": site})
    return user


@dataclass
class OrgData:
    nationale: Caisse
    region: Caisse
    other_region: Caisse
    cpams: list
    other_cpam: Caisse
    sites: list
    exercice: Exercice
    previous_exercice: Exercice
    users: dict = field(default_factory=dict)

    def user(self, name):
        return self.users[name]


# The roles of the permission matrix; "responsable_autre" and "agent_autre" belong to the other region.
ROLES = [
    "anonymous",
    "sans_role",
    "administrateur",
    "relecteur",
    "responsable",
    "agent",
    "responsable_autre",
    "agent_autre",
]


def build_org():
    nationale = CaisseFactory(code="CNAM", nom="Caisse nationale", type=Caisse.Type.NATIONALE)
    region = CaisseFactory(code="CARSAT-T1", nom="CARSAT Test Un", type=Caisse.Type.REGIONALE, parent=nationale)
    other = CaisseFactory(code="CARSAT-T2", nom="CARSAT Test Deux", type=Caisse.Type.REGIONALE, parent=nationale)
    cpams = [
        CaisseFactory(code="CPAM-T11", nom="CPAM Test Onze", parent=region),
        CaisseFactory(code="CPAM-T12", nom="CPAM Test Douze", parent=region),
    ]
    other_cpam = CaisseFactory(code="CPAM-T21", nom="CPAM Test Vingt-et-un", parent=other)
    sites = [
        SiteFactory(code="UL-T11", caisse=cpams[0]),
        SiteFactory(code="PAS-T12", caisse=cpams[1], type=Site.Type.PAS),
        SiteFactory(code="UL-T21", caisse=other_cpam),
    ]
    exercice = ExerciceFactory(annee=2025, jours_theoriques_travail=208)
    previous = ExerciceFactory(annee=2024, jours_theoriques_travail=209)
    data = OrgData(nationale, region, other, cpams, other_cpam, sites, exercice, previous)
    Role = Membership.Role
    admin = user_with_role("t-admin", Role.ADMINISTRATEUR, nationale, is_staff=True, is_superuser=True)
    data.users = {
        "anonymous": None,
        "sans_role": UserFactory(username="t-sans-role"),
        "administrateur": admin,
        "relecteur": user_with_role("t-relecteur", Role.RELECTEUR, nationale),
        "responsable": user_with_role("t-responsable", Role.RESPONSABLE, region),
        "agent": user_with_role("t-agent", Role.AGENT, cpams[0]),
        "responsable_autre": user_with_role("t-responsable-autre", Role.RESPONSABLE, other),
        "agent_autre": user_with_role("t-agent-autre", Role.AGENT, other_cpam),
    }
    return data
