from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Caisse, Exercice, Membership, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["code", "nom", "type", "ville", "telephone"]
    show_change_link = True


@admin.register(Caisse)
class CaisseAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "type", "parent"]
    list_filter = ["type", "parent"]
    search_fields = ["code", "nom"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "type", "caisse", "ville", "telephone"]
    list_filter = ["type", "caisse__parent", "caisse"]
    search_fields = ["code", "nom", "ville", "caisse__code", "caisse__nom"]
    list_select_related = ["caisse"]
    autocomplete_fields = ["caisse"]


@admin.register(Exercice)
class ExerciceAdmin(admin.ModelAdmin):
    list_display = ["annee", "date_limite", "jours_theoriques_travail", "ouvert"]
    list_filter = ["ouvert"]
    search_fields = ["annee"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "caisse", "site"]
    list_filter = ["role", "caisse__type"]
    search_fields = ["user__username", "user__last_name", "caisse__code", "caisse__nom", "site__code"]
    list_select_related = ["user", "caisse", "site"]
    autocomplete_fields = ["user", "caisse", "site"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["caisse", "site"]
    verbose_name_plural = "rôle"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["membership__role", "is_active", "is_staff"]
    list_select_related = ["membership"]

    @admin.display(description="rôle", ordering="membership__role")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"
