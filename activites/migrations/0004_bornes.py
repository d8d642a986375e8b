"""Part II's figures and texts get the bounds of caisses.limits (validators, and columns sized to the bounds).

Two columns shrink: a figure (valeur) now holds 9 digits before the comma, a traineeship's duration 3. A value
stored before that does not fit (only an import could write one) would make the migration fail on PostgreSQL
and every later read fail on SQLite: the migration stops first and lists those rows, and changes nothing, so
that whoever owns the data decides what the figure should have been. An indicator asking for more decimals than
a figure holds is set to the 2 it always got.
"""

import caisses.limits
import django.core.validators
from decimal import Decimal
from django.db import migrations, models


# (table, column, smallest absolute value the new column cannot hold)
SHRUNK = [
    ("valeur", "valeur", 10**9),
    ("historicalvaleur", "valeur", 10**9),
    ("etudiant", "duree_semaines", 1000),
    ("historicaletudiant", "duree_semaines", 1000),
]


def refuse_values_that_do_not_fit(apps, schema_editor):
    found = []
    with schema_editor.connection.cursor() as cursor:
        for model, column, limit in SHRUNK:
            table = apps.get_model("activites", model)._meta.db_table
            id_column = "history_id" if model.startswith("historical") else "id"
            cursor.execute(
                f"SELECT {id_column}, CAST({column} AS TEXT) FROM {table} WHERE {column} >= %s OR {column} <= %s",
                [limit, -limit],
            )
            found.extend(f"{table} {id_column}={pk} {column}={value}" for pk, value in cursor.fetchall())
    if found:
        raise RuntimeError(
            "Des valeurs enregistrées dépassent les limites des indicateurs et ne tiendraient pas dans les "
            "nouvelles colonnes ; rien n'a été modifié. Corrigez-les (manage.py dbshell), puis relancez migrate :\n"
            + "\n".join(found)
        )


def at_most_two_decimals(apps, schema_editor):
    apps.get_model("activites", "Indicateur").objects.filter(decimales__gt=2).update(decimales=2)


class Migration(migrations.Migration):

    dependencies = [
        ('activites', '0003_rapport_in_caisses'),
    ]

    operations = [
        migrations.RunPython(refuse_values_that_do_not_fit, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='circonscription',
            name='nom',
            field=models.CharField(max_length=250, verbose_name='nom'),
        ),
        migrations.AlterField(
            model_name='circonscription',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='circonscription',
            name='referent',
            field=models.CharField(blank=True, max_length=250, verbose_name='référent'),
        ),
        migrations.AlterField(
            model_name='enquetesatisfaction',
            name='echantillon',
            field=models.PositiveIntegerField(validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name="taille de l'échantillon"),
        ),
        migrations.AlterField(
            model_name='enquetesatisfaction',
            name='periode',
            field=models.CharField(max_length=250, verbose_name='période'),
        ),
        migrations.AlterField(
            model_name='enquetesatisfaction',
            name='taux_reponse',
            field=models.DecimalField(decimal_places=2, max_digits=5, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='taux de réponse (%)'),
        ),
        migrations.AlterField(
            model_name='etudiant',
            name='duree_semaines',
            field=models.DecimalField(decimal_places=1, max_digits=4, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('520'), 1, 'semaines')], verbose_name='durée du stage (semaines)'),
        ),
        migrations.AlterField(
            model_name='etudiant',
            name='nombre',
            field=models.PositiveIntegerField(validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name="nombre d'étudiants"),
        ),
        migrations.AlterField(
            model_name='etudiant',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='historicalcirconscription',
            name='nom',
            field=models.CharField(max_length=250, verbose_name='nom'),
        ),
        migrations.AlterField(
            model_name='historicalcirconscription',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='historicalcirconscription',
            name='referent',
            field=models.CharField(blank=True, max_length=250, verbose_name='référent'),
        ),
        migrations.AlterField(
            model_name='historicalenquetesatisfaction',
            name='echantillon',
            field=models.PositiveIntegerField(validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name="taille de l'échantillon"),
        ),
        migrations.AlterField(
            model_name='historicalenquetesatisfaction',
            name='periode',
            field=models.CharField(max_length=250, verbose_name='période'),
        ),
        migrations.AlterField(
            model_name='historicalenquetesatisfaction',
            name='taux_reponse',
            field=models.DecimalField(decimal_places=2, max_digits=5, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='taux de réponse (%)'),
        ),
        migrations.AlterField(
            model_name='historicaletudiant',
            name='duree_semaines',
            field=models.DecimalField(decimal_places=1, max_digits=4, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('520'), 1, 'semaines')], verbose_name='durée du stage (semaines)'),
        ),
        migrations.AlterField(
            model_name='historicaletudiant',
            name='nombre',
            field=models.PositiveIntegerField(validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name="nombre d'étudiants"),
        ),
        migrations.AlterField(
            model_name='historicaletudiant',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='historicalitemsatisfaction',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='historicalitemsatisfaction',
            name='satisfaits_pct',
            field=models.DecimalField(decimal_places=2, max_digits=5, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='satisfaits (%)'),
        ),
        migrations.AlterField(
            model_name='historicalitemsatisfaction',
            name='tres_satisfaits_pct',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='très satisfaits (%)'),
        ),
        migrations.AlterField(
            model_name='historicalpartiedeux',
            name='autres_activites',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='autres activités'),
        ),
        migrations.AlterField(
            model_name='historicalpartiedeux',
            name='coordination_commentaire',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='partenaires et évolution constatée de la coordination'),
        ),
        migrations.AlterField(
            model_name='historicalpartiedeux',
            name='etudiants_commentaire',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='commentaire sur la formation des étudiants'),
        ),
        migrations.AlterField(
            model_name='historicalpartiedeux',
            name='evolution_nature_activites',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='évolution dans la nature des activités'),
        ),
        migrations.AlterField(
            model_name='historicalvaleur',
            name='valeur',
            field=models.DecimalField(decimal_places=2, max_digits=11, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 2, '')], verbose_name='valeur'),
        ),
        migrations.AlterField(
            model_name='indicateur',
            name='actif_depuis',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1970), django.core.validators.MaxValueValidator(2100)], verbose_name="actif depuis l'exercice"),
        ),
        migrations.AlterField(
            model_name='indicateur',
            name='actif_jusqu_a',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1970), django.core.validators.MaxValueValidator(2100)], verbose_name="actif jusqu'à l'exercice"),
        ),
        migrations.AlterField(
            model_name='indicateur',
            name='decimales',
            field=models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(2)], verbose_name='décimales'),
        ),
        migrations.AlterField(
            model_name='itemsatisfaction',
            name='ordre',
            field=models.PositiveIntegerField(default=0, editable=False, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 0, '')], verbose_name='ordre'),
        ),
        migrations.AlterField(
            model_name='itemsatisfaction',
            name='satisfaits_pct',
            field=models.DecimalField(decimal_places=2, max_digits=5, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='satisfaits (%)'),
        ),
        migrations.AlterField(
            model_name='itemsatisfaction',
            name='tres_satisfaits_pct',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100'), 2, '%')], verbose_name='très satisfaits (%)'),
        ),
        migrations.AlterField(
            model_name='partiedeux',
            name='autres_activites',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='autres activités'),
        ),
        migrations.AlterField(
            model_name='partiedeux',
            name='coordination_commentaire',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='partenaires et évolution constatée de la coordination'),
        ),
        migrations.AlterField(
            model_name='partiedeux',
            name='etudiants_commentaire',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='commentaire sur la formation des étudiants'),
        ),
        migrations.AlterField(
            model_name='partiedeux',
            name='evolution_nature_activites',
            field=models.TextField(blank=True, max_length=200000, validators=[django.core.validators.MaxLengthValidator(200000)], verbose_name='évolution dans la nature des activités'),
        ),
        migrations.AlterField(
            model_name='valeur',
            name='valeur',
            field=models.DecimalField(decimal_places=2, max_digits=11, validators=[caisses.limits.BoundValidator(Decimal('0'), Decimal('100000000'), 2, '')], verbose_name='valeur'),
        ),
        # Last: on PostgreSQL a data change before an ALTER of a related table leaves pending trigger events.
        migrations.RunPython(at_most_two_decimals, migrations.RunPython.noop),
    ]
