from django.contrib import admin

from .models import Categorie


@admin.register(Categorie)
class CategorieAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "est_assistant_social", "ordre"]
    list_editable = ["ordre"]
    ordering = ["ordre", "code"]
