"""RapportAnnuel and SectionVersion leave the rapports app's state (their tables stay, now caisses')
and their content types follow them, so history, admin log and permissions keep pointing at the same rows."""
import django.db.models.deletion
from django.db import migrations, models


MOVED = ("rapportannuel", "sectionversion")


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move(apps, "rapports", "caisses")


def move_content_types_back(apps, schema_editor):
    _move(apps, "caisses", "rapports")


class Migration(migrations.Migration):

    dependencies = [
        ('caisses', '0002_rapportannuel_moved'),
        ('rapports', '0003_partie3_lifecycle_archive'),
        ('effectifs', '0003_rapport_in_caisses'),
        ('activites', '0003_rapport_in_caisses'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='archivepdf',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='archives', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='commentaire',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='commentaires', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalpartietrois',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='transition',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='partietrois',
                    name='rapport',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='partie_trois', to='caisses.rapportannuel'),
                ),
                migrations.RemoveField(
                    model_name='sectionversion',
                    name='rapport',
                ),
                migrations.AlterField(
                    model_name='historicalpartietrois',
                    name='observations',
                    field=models.TextField(blank=True, max_length=200000, verbose_name="observations, commentaires, perspectives d'avenir"),
                ),
                migrations.AlterField(
                    model_name='partietrois',
                    name='observations',
                    field=models.TextField(blank=True, max_length=200000, verbose_name="observations, commentaires, perspectives d'avenir"),
                ),
                migrations.DeleteModel(
                    name='RapportAnnuel',
                ),
                migrations.DeleteModel(
                    name='SectionVersion',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
