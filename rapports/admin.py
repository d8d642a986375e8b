from django.contrib import admin

from caisses.models import RapportAnnuel


@admin.register(RapportAnnuel)
class RapportAnnuelAdmin(admin.ModelAdmin):
    list_display = ["caisse", "exercice", "etat", "modifie_le"]
    list_filter = ["etat", "exercice"]
    search_fields = ["caisse__code", "caisse__nom"]
    list_select_related = ["caisse", "exercice"]
    readonly_fields = ["etat", "version_donnees", "modifie_le"]
