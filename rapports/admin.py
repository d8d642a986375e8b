from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from caisses.guard import RapportVerrouilleAdminMixin
from caisses.models import RapportAnnuel

from .models import ArchivePDF, ExplicationVariation, SeuilVariationPartieUn
from .taches import relancer_impressions
from .variations import SECTION


@admin.register(RapportAnnuel)
class RapportAnnuelAdmin(admin.ModelAdmin):
    list_display = ["caisse", "exercice", "etat", "modifie_le"]
    list_filter = ["etat", "exercice"]
    search_fields = ["caisse__code", "caisse__nom"]
    list_select_related = ["caisse", "exercice"]
    readonly_fields = ["etat", "version_donnees", "modifie_le"]


SEUILS_AIDE = (
    "Une explication est demandée avant la transmission quand le chiffre s'écarte de celui de l'exercice "
    "précédent d'au moins le seuil relatif (en % de N−1) ET d'au moins le seuil absolu (en ETP ou en jours). "
    "N−1 nul : seul le seuil absolu compte. Sans rapport N−1 ou sans saisie (aucune ligne du tableau) en N−1 ou "
    "en N : aucune explication demandée. Un chiffre inchangé n'en demande jamais."
)


@admin.register(SeuilVariationPartieUn)
class SeuilVariationPartieUnAdmin(admin.ModelAdmin):
    list_display = ["__str__", "seuil_relatif", "seuil_absolu"]
    list_editable = ["seuil_relatif", "seuil_absolu"]
    fieldsets = [(None, {"fields": ["cle", "seuil_relatif", "seuil_absolu"], "description": SEUILS_AIDE})]

    def get_readonly_fields(self, request, obj=None):
        # The three figures are the rule's (rapports.variations): their key is never retyped.
        return ["cle"] if obj is not None else []


@admin.register(ExplicationVariation)
class ExplicationVariationAdmin(RapportVerrouilleAdminMixin, SimpleHistoryAdmin):
    section = SECTION  # writes through caisses.guard: none once the report is transmitted
    list_display = ["rapport", "cle", "texte"]
    list_filter = ["rapport__exercice", "rapport__caisse"]
    search_fields = ["cle", "texte", "rapport__caisse__code"]
    list_select_related = ["rapport__caisse", "rapport__exercice"]
    raw_id_fields = ["rapport"]


@admin.register(ArchivePDF)
class ArchivePDFAdmin(admin.ModelAdmin):
    """The official copies, read only; a PDF still « en préparation » (worker stopped, printing failed) can be
    queued again: the task prints it from its frozen copy, or does nothing if it is printed meanwhile."""

    list_display = ["rapport", "numero", "etat_pdf", "taille", "cree_le", "imprime_le"]
    list_filter = ["rapport__exercice", "rapport__caisse"]
    search_fields = ["rapport__caisse__code"]
    list_select_related = ["rapport__caisse", "rapport__exercice"]
    actions = ["relancer_impression"]

    @admin.display(description="PDF")
    def etat_pdf(self, archive):
        return "en préparation" if archive.en_preparation else "imprimé"

    @admin.action(description="Relancer l'impression des PDF en préparation")
    def relancer_impression(self, request, queryset):
        pending = list(queryset.filter(fichier="").values_list("pk", flat=True))
        failed = relancer_impressions(pending)
        if failed:
            self.message_user(
                request, f"Impressions relancées : {len(pending)}, dont {failed} en échec.", messages.WARNING
            )
        else:
            self.message_user(request, f"Impressions relancées : {len(pending)}.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
