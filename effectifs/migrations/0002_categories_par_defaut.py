from django.db import migrations

DEFAULT_CATEGORIES = [
    # (code, libellé, compte comme assistant social, ordre)
    ("as_cadres", "Assistants sociaux cadres", True, 10),
    ("as", "Assistants sociaux", True, 20),
    ("secretariat", "Agents de secrétariat", False, 30),
    ("autre", "Autre personnel", False, 40),
]


def load(apps, schema_editor):
    Categorie = apps.get_model("effectifs", "Categorie")
    for code, libelle, est_as, ordre in DEFAULT_CATEGORIES:
        Categorie.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "est_assistant_social": est_as, "ordre": ordre}
        )


class Migration(migrations.Migration):
    dependencies = [("effectifs", "0001_partie_1")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
