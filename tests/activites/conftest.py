import pytest

from caisses.models import RapportAnnuel


@pytest.fixture
def rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


@pytest.fixture
def rapport_n1(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.previous_exercice)
