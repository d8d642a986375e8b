"""Run by bench/national.py in the set's environment: the URLs to walk, the national view's SQL queries and the
II.1 grid's HTML size, read with Django's test client; printed as one JSON line."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from caisses.models import Caisse, Exercice, Site  # noqa: E402

annee = Exercice.objects.order_by("-annee").values_list("annee", flat=True)[0]
region = Caisse.objects.regionales().order_by("code").first()
units = Caisse.objects.filter(parent=region).count() + Site.objects.of_region(region.pk).count()
client = Client()
client.force_login(get_user_model().objects.get(username="relecteur"))
urls = {
    "bare": reverse("password_change"),
    "national": reverse("national", kwargs={"annee": annee}),
    "rapport": reverse("rapport_detail", kwargs={"code": region.code, "annee": annee}),
    "grille": reverse("saisie_ii1", kwargs={"code": region.code, "annee": annee}),
}
client.get(urls["national"])
queries = []


def counted(execute, sql, params, many, context):
    # Counted at the driver: CaptureQueriesContext reads a log that each request resets when DEBUG is off.
    queries.append(sql)
    return execute(sql, params, many, context)


with connection.execute_wrapper(counted):
    assert client.get(urls["national"]).status_code == 200
grille = client.get(urls["grille"])
facts = {
    "urls": urls,
    "queries": len(queries),
    "grid_bytes": len(grille.content),
    "units": units,
    "regions": Caisse.objects.regionales().count(),
    "exercices": Exercice.objects.count(),
}
print(json.dumps(facts))
