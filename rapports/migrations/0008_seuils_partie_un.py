"""The three key figures of Part I get their variation threshold, at the defaults (20 %, 30)."""

from django.db import migrations

CLES = ("etp", "jours_formation", "jours_absence")


def create(apps, schema_editor):
    Seuil = apps.get_model("rapports", "SeuilVariationPartieUn")
    for cle in CLES:
        Seuil.objects.get_or_create(cle=cle)


class Migration(migrations.Migration):
    dependencies = [("rapports", "0007_variations_expliquees")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
