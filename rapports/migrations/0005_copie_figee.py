"""The frozen copy beside each archived PDF (rapports.freeze). Existing archives keep their rows and files:
they have no CopieFigee yet, and get one, marked « reconstituée », the first time their report is read."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rapports', '0004_rapportannuel_moved_to_caisses'),
    ]

    operations = [
        migrations.CreateModel(
            name='CopieFigee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document', models.TextField(verbose_name="document d'échange (JSON)")),
                ('corps_html', models.TextField(verbose_name='corps du rapport (HTML)')),
                ('reconstituee', models.BooleanField(default=False, help_text='Transmission antérieure aux copies figées : le document et la page ont été établis à la première lecture, à partir des données de ce moment ; le PDF est celui archivé à la transmission.', verbose_name='reconstituée après coup')),
                ('cree_le', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créée le')),
                ('archive', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='copie', to='rapports.archivepdf')),
            ],
            options={
                'verbose_name': "copie figée d'une transmission",
                'verbose_name_plural': 'copies figées des transmissions',
            },
        ),
    ]
