from django.db import migrations

from effectifs.categories import ensure_default_categories


def load(apps, schema_editor):
    ensure_default_categories(apps.get_model("effectifs", "Categorie"))


class Migration(migrations.Migration):
    dependencies = [("effectifs", "0001_partie_1")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
