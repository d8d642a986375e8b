from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from caisses.guard import RapportVerrouilleAdminMixin

from .forms import bounded
from .models import GroupeIndicateurs, Indicateur, Regle, Valeur


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
    ]
    list_filter = ["groupe", "nature", "agregation", "actif_depuis", "actif_jusqu_a"]
    search_fields = ["code", "libelle"]
    list_select_related = ["groupe"]
    autocomplete_fields = ["numerateur", "denominateur", "poids"]
    fieldsets = [
        (None, {"fields": ["code", "libelle", "groupe", "ordre", "unite_mesure", "decimales"]}),
        ("Calcul", {"fields": ["nature", "agregation", "numerateur", "denominateur", "poids"]}),
        ("Période d'utilisation", {"fields": ["actif_depuis", "actif_jusqu_a"]}),
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
