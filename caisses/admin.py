from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UsernameField

from .auth import send_invitation
from .models import Caisse, Exercice, Membership, Relance, Site


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


class InvitationForm(forms.ModelForm):
    """A new account without a password typed by the administrator: the user chooses it from the invitation."""

    envoyer_invitation = forms.BooleanField(
        label="Envoyer l'invitation par courriel",
        required=False,
        initial=True,
        help_text="Le courriel contient un lien, valable un jour, pour choisir le mot de passe. "
        "Sans invitation, le compte n'a pas de mot de passe : action « Envoyer une invitation » de la liste.",
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Un utilisateur porte déjà cet identifiant.")
        return username

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = InvitationForm
    add_form_template = "admin/change_form.html"  # not Django's « enter a username and password » page
    add_fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email", "envoyer_invitation"]}),
    ]
    actions = ["inviter"]
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["membership__role", "is_active", "is_staff"]
    list_select_related = ["membership"]

    @admin.display(description="rôle", ordering="membership__role")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the role is saved too: the new user may log in as soon as the password is chosen.
        if not change and form.cleaned_data.get("envoyer_invitation"):
            self._invite(request, [form.instance])

    @admin.action(description="Envoyer une invitation (lien pour choisir le mot de passe)")
    def inviter(self, request, queryset):
        self._invite(request, queryset)

    def _invite(self, request, users):
        sent, without, failed = [], [], []
        for user in users:
            if not (user.email and user.is_active):
                without.append(user.get_username())
            elif send_invitation(user):
                sent.append(user)
            else:
                failed.append(user.get_username())
        if sent:
            names = ", ".join(f"{u.get_username()} ({u.email})" for u in sent)
            self.message_user(request, f"Invitation envoyée à {names} : le lien est valable un jour.", messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                "L'invitation n'a pas pu être envoyée à " + ", ".join(failed) + " (serveur de messagerie en échec) : "
                "renvoyez-la plus tard avec l'action « Envoyer une invitation ».",
                messages.ERROR,
            )
        if without:
            self.message_user(
                request,
                "Aucune invitation pour " + ", ".join(without) + " : compte sans adresse électronique ou inactif.",
                messages.WARNING,
            )


@admin.register(Relance)
class RelanceAdmin(admin.ModelAdmin):
    """Who was reminded, of what, when: written only by `manage.py relances`.

    Deleting a row stays possible (and a user's or an exercice's deletion takes its reminders along): the
    reminder of that period is then sent again by the next run.
    """

    list_display = ["sent_at", "user", "courriel", "caisse", "exercice", "kind", "date"]
    list_filter = [
        "exercice",
        "kind",
        ("caisse", admin.RelatedOnlyFieldListFilter),
        "date",
    ]
    search_fields = ["user__username", "user__last_name", "courriel", "caisse__code", "caisse__nom"]
    list_select_related = ["user", "caisse", "exercice"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
