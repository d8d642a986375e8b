from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from caisses.guard import RapportVerrouilleAdminMixin

from .forms import bounded
from .models import GroupeIndicateurs, Indicateur, Regle, Valeur

# The rule itself is rapports.variations (the top layer): this text only tells the administrator what it does.
SEUILS_AIDE = (
    "À la transmission, le chiffre régional de l'indicateur est comparé à celui de l'exercice précédent. Donnée : "
    "une explication est demandée quand l'écart atteint le seuil relatif (en % de N−1) ET le seuil absolu (dans "
    "l'unité de l'indicateur) ; si N−1 vaut 0, seul le seuil absolu compte. Ratio ou indicateur en % : l'écart "
    "est en points et seul le seuil relatif compte, lu en points (20 = 20 points) ; le seuil absolu est ignoré. "
    "Sans valeur en N−1 ou en N : aucune explication demandée. Un chiffre inchangé n'en demande jamais."
)

PHRASES_AIDE = (
    "Les phrases du paragraphe proposé au responsable pour II.1 quand le code n'en a pas pour cet indicateur (ou "
    "pour le reformuler) : en minuscule et sans point final ; {n} est le chiffre (au format français), {v} sa "
    "variation depuis N−1 entre parenthèses (vide sans N−1), aucune autre accolade. Les trois formes ou aucune."
)


class IndicateurInline(admin.TabularInline):
    model = Indicateur
    fk_name = "groupe"
    extra = 0
    fields = ["ordre", "code", "libelle", "nature", "agregation", "actif_depuis", "actif_jusqu_a"]
    show_change_link = True


@admin.register(GroupeIndicateurs)
class GroupeIndicateursAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "ordre"]
    list_editable = ["ordre"]
    search_fields = ["code", "libelle"]
    inlines = [IndicateurInline]


@admin.register(Indicateur)
class IndicateurAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "libelle",
        "groupe",
        "ordre",
        "nature",
        "agregation",
        "unite_mesure",
        "actif_depuis",
        "actif_jusqu_a",
        "seuil_relatif",
        "seuil_absolu",
    ]
    list_filter = ["groupe", "nature", "agregation", "actif_depuis", "actif_jusqu_a"]
    search_fields = ["code", "libelle"]
    list_select_related = ["groupe"]
    autocomplete_fields = ["numerateur", "denominateur", "poids"]
    fieldsets = [
        (None, {"fields": ["code", "libelle", "groupe", "ordre", "unite_mesure", "decimales"]}),
        ("Calcul", {"fields": ["nature", "agregation", "numerateur", "denominateur", "poids"]}),
        ("Période d'utilisation", {"fields": ["actif_depuis", "actif_jusqu_a"]}),
        ("Définition", {"fields": ["definition"]}),
        ("Variations à expliquer", {"fields": ["seuil_relatif", "seuil_absolu"], "description": SEUILS_AIDE}),
        (
            "Paragraphe proposé (II.1)",
            {"fields": ["phrase_aucun", "phrase_un", "phrase_plusieurs"], "description": PHRASES_AIDE},
        ),
    ]


@admin.register(Regle)
class RegleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "nature", "indicateur", "niveau", "active"]
    list_filter = ["nature", "niveau", "active"]
    search_fields = ["indicateur__code", "indicateur__libelle", "termes__code"]
    autocomplete_fields = ["indicateur", "termes"]
    list_select_related = ["indicateur"]


@admin.register(Valeur)
class ValeurAdmin(RapportVerrouilleAdminMixin, SimpleHistoryAdmin):
    section = "II.1"  # writes through caisses.guard: none once the report is transmitted
    list_display = ["rapport", "indicateur", "caisse", "site", "valeur"]
    list_filter = ["rapport__exercice", "indicateur__groupe", "rapport__caisse"]
    search_fields = ["indicateur__code", "rapport__caisse__code", "caisse__code", "site__code"]
    list_select_related = ["rapport__caisse", "rapport__exercice", "indicateur", "caisse", "site"]
    raw_id_fields = ["rapport", "caisse", "site"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return bounded(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))
