"""Copy each site's `etat_locaux` into the yearly rows (report × site), before caisses drops the field.

Which reports receive the text:
- every report of the site's region that can still be edited (brouillon, renvoyé): the region goes on from
  the description it last typed instead of finding the field empty;
- the latest report of each region, whatever its state: until now every page of that report showed the
  site's text, and when it is already transmitted or validated it must keep showing what it showed.
Older transmitted or validated reports receive nothing: the site's text may have been rewritten since they
were sent, so it is not what they said; their frozen copies keep what was sent, and guessing would put next
year's words into a past record.
A region without any report has no row to hold the text (reading never creates a report); such a text is
dropped with the field.

Backwards: each site gets back the text of its region's latest report that has one, and the yearly rows go
(as before this migration, which found the table empty).
"""

from collections import defaultdict

from django.db import migrations

EDITABLE = ("brouillon", "renvoye")


def _region_id(site):
    caisse = site.caisse
    return caisse.pk if caisse.type == "regionale" else caisse.parent_id


def copy_to_reports(apps, schema_editor):
    Site = apps.get_model("caisses", "Site")
    RapportAnnuel = apps.get_model("caisses", "RapportAnnuel")
    EtatLocaux = apps.get_model("effectifs", "EtatLocaux")

    by_region = defaultdict(list)
    for rapport in RapportAnnuel.objects.select_related("exercice").order_by("exercice__annee"):
        by_region[rapport.caisse_id].append(rapport)
    targets = {
        region_id: [r for r in rapports if r.etat in EDITABLE or r is rapports[-1]]
        for region_id, rapports in by_region.items()
    }
    rows = [
        EtatLocaux(rapport_id=rapport.pk, site_id=site.pk, texte=site.etat_locaux)
        for site in Site.objects.exclude(etat_locaux="").select_related("caisse")
        for rapport in targets.get(_region_id(site), [])
    ]
    EtatLocaux.objects.bulk_create(rows, batch_size=1000)


def copy_back_to_sites(apps, schema_editor):
    Site = apps.get_model("caisses", "Site")
    EtatLocaux = apps.get_model("effectifs", "EtatLocaux")
    latest = {}
    for row in EtatLocaux.objects.order_by("rapport__exercice__annee"):
        latest[row.site_id] = row.texte
    for site in Site.objects.filter(pk__in=latest):
        site.etat_locaux = latest[site.pk]
        site.save(update_fields=["etat_locaux"])
    EtatLocaux.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("caisses", "0002_rapportannuel_moved"),
        ("effectifs", "0004_etat_locaux"),
    ]

    operations = [migrations.RunPython(copy_to_reports, copy_back_to_sites)]
