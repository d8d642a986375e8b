"""Part I's foreign keys follow RapportAnnuel into caisses: state only, the tables are unchanged."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caisses', '0002_rapportannuel_moved'),
        ('effectifs', '0002_categories_par_defaut'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='absence',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='absences', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='affectation',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affectations', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='boursier',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='boursiers', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='convention',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conventions', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='effectif',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='effectifs', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='formation',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='formations', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalabsence',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalaffectation',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalboursier',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalconvention',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicaleffectif',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalformation',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalinstallation',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalmouvement',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalreunion',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='historicalreunionautreservice',
                    name='rapport',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='installation',
                    name='rapport',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='installation', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='mouvement',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mouvements', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='reunion',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reunions', to='caisses.rapportannuel'),
                ),
                migrations.AlterField(
                    model_name='reunionautreservice',
                    name='rapport',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reunions_autres_services', to='caisses.rapportannuel'),
                ),
            ],
            database_operations=[],
        ),
    ]
