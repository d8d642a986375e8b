"""Part II's foreign keys follow RapportAnnuel into caisses: state only, the tables are unchanged."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activites', '0002_catalogue_par_defaut'),
        ('caisses', '0002_rapportannuel_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='circonscription',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='circonscriptions', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='enquetesatisfaction',
                    name='rapport',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='enquete_satisfaction', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='etudiant',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='etudiants', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalcirconscription',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalenquetesatisfaction',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicaletudiant',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalpartiedeux',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalvaleur',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='partiedeux',
                    name='rapport',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='partie_deux', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='valeur',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='valeurs', to='caisses.rapportannuel'),
                ),
            ],
            database_operations=[],
        ),
    ]
