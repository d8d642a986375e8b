"""The record of each reminder sent (rapports.relances): one per person, exercice, kind and period."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('caisses', '0002_rapportannuel_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Relance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('courriel', models.EmailField(help_text="L'adresse du destinataire au moment de l'envoi.", max_length=254, verbose_name="adresse d'envoi")),
                ('kind', models.CharField(choices=[('J-30', 'J−30 (un mois avant la date limite)'), ('J-7', 'J−7 (une semaine avant la date limite)'), ('retard', 'Retard (chaque semaine après la date limite)')], max_length=10, verbose_name='relance')),
                ('date', models.DateField(help_text='Premier jour de la période de la relance.', verbose_name='période')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='envoyée le')),
                ('caisse', models.ForeignKey(limit_choices_to={'type': 'regionale'}, on_delete=django.db.models.deletion.PROTECT, related_name='relances', to='caisses.caisse', verbose_name='caisse régionale')),
                ('exercice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relances', to='caisses.exercice', verbose_name='exercice')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relances', to=settings.AUTH_USER_MODEL, verbose_name='destinataire')),
            ],
            options={
                'verbose_name': 'relance',
                'verbose_name_plural': 'relances',
                'ordering': ['-sent_at', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('user', 'exercice', 'kind', 'date'), name='relance_unique_par_periode')],
            },
        ),
    ]
