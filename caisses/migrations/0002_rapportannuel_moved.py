"""RapportAnnuel and SectionVersion move from rapports to caisses (the layer the parts depend on).
The tables keep their names: only Django's state changes, no row is touched."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caisses', '0001_initial'),
        ('rapports', '0003_partie3_lifecycle_archive'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RapportAnnuel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('etat', models.CharField(choices=[('brouillon', 'Brouillon'), ('transmis', 'Transmis'), ('renvoye', 'Renvoyé pour correction'), ('valide', 'Validé')], default='brouillon', max_length=20, verbose_name='état')),
                        ('version_donnees', models.PositiveIntegerField(default=0, help_text='Augmente à chaque modification des données du rapport.', verbose_name='version des données')),
                        ('modifie_le', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                        ('caisse', models.ForeignKey(limit_choices_to={'type': 'regionale'}, on_delete=django.db.models.deletion.PROTECT, related_name='rapports', to='caisses.caisse', verbose_name='caisse régionale')),
                        ('exercice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rapports', to='caisses.exercice', verbose_name='exercice')),
                    ],
                    options={
                        'verbose_name': 'rapport annuel',
                        'verbose_name_plural': 'rapports annuels',
                        'db_table': 'rapports_rapportannuel',
                        'ordering': ['caisse__code', '-exercice__annee'],
                    },
                ),
                migrations.CreateModel(
                    name='SectionVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('section', models.CharField(max_length=10, verbose_name='section')),
                        ('version', models.PositiveIntegerField(default=0, verbose_name='version')),
                        ('rapport', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='section_versions', to='caisses.rapportannuel')),
                    ],
                    options={
                        'verbose_name': "version d'une section",
                        'verbose_name_plural': 'versions des sections',
                        'db_table': 'rapports_sectionversion',
                    },
                ),
                migrations.AddConstraint(
                    model_name='rapportannuel',
                    constraint=models.UniqueConstraint(fields=('caisse', 'exercice'), name='rapport_unique_par_caisse_exercice'),
                ),
                migrations.AddConstraint(
                    model_name='sectionversion',
                    constraint=models.UniqueConstraint(fields=('rapport', 'section'), name='version_unique_par_section'),
                ),
            ],
            database_operations=[],
        ),
    ]
