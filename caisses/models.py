from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class CaisseQuerySet(models.QuerySet):
    def nationales(self):
        return self.filter(type=Caisse.Type.NATIONALE)

    def regionales(self):
        return self.filter(type=Caisse.Type.REGIONALE)

    def primaires(self):
        return self.filter(type=Caisse.Type.PRIMAIRE)

    def of_region(self, region):
        """The caisses attached to `region` (its caisses primaires)."""
        return self.filter(parent=region)


class Caisse(models.Model):
    class Type(models.TextChoices):
        NATIONALE = "nationale", "Caisse nationale"
        REGIONALE = "regionale", "Caisse régionale"
        PRIMAIRE = "primaire", "Caisse primaire"

    code = models.SlugField("code", max_length=30, unique=True, allow_unicode=False)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=20, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="caisse de rattachement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enfants",
    )

    objects = CaisseQuerySet.as_manager()

    class Meta:
        verbose_name = "caisse"
        verbose_name_plural = "caisses"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def clean(self):
        expected_parent = {
            self.Type.NATIONALE: None,
            self.Type.REGIONALE: self.Type.NATIONALE,
            self.Type.PRIMAIRE: self.Type.REGIONALE,
        }[self.type]
        if expected_parent is None and self.parent_id:
            raise ValidationError({"parent": "Une caisse nationale n'a pas de caisse de rattachement."})
        if expected_parent and self.parent and self.parent.type != expected_parent:
            label = self.Type(expected_parent).label.lower()
            raise ValidationError({"parent": f"Cette caisse doit être rattachée à une {label}."})
        if self.type == self.Type.PRIMAIRE and not self.parent_id:
            raise ValidationError({"parent": "Une caisse primaire doit être rattachée à une caisse régionale."})

    @property
    def region(self):
        """The caisse régionale this caisse belongs to (itself for a region)."""
        if self.type == self.Type.REGIONALE:
            return self
        if self.type == self.Type.PRIMAIRE:
            return self.parent
        return None


class SiteQuerySet(models.QuerySet):
    def of_region(self, region):
        """The sites of a region: its own and those of its caisses primaires."""
        return self.filter(models.Q(caisse=region) | models.Q(caisse__parent=region))


class Site(models.Model):
    class Type(models.TextChoices):
        UNITE_LOCALE = "unite_locale", "Unité locale"
        PAS = "pas", "Point d'accueil social (PAS)"
        PCS = "pcs", "Point de consultation sociale (PCS)"
        PPRV = "pprv", "Point de permanence sur RDV (PPRV)"
        ETABLISSEMENT = "etablissement", "Établissement"

    code = models.SlugField("code", max_length=30, unique=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=20, choices=Type.choices)
    caisse = models.ForeignKey(Caisse, verbose_name="caisse", on_delete=models.PROTECT, related_name="sites")
    adresse = models.CharField("adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    ville = models.CharField("ville", max_length=120, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    horaires = models.CharField("horaires d'ouverture", max_length=250, blank=True)
    etat_locaux = models.TextField("état des locaux", blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = "site"
        verbose_name_plural = "sites"
        ordering = ["code"]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    @property
    def region(self):
        return self.caisse.region


class ExerciceQuerySet(models.QuerySet):
    def ouverts(self):
        return self.filter(ouvert=True)


class Exercice(models.Model):
    annee = models.PositiveSmallIntegerField("année", unique=True)
    date_limite = models.DateField("date limite de transmission")
    jours_theoriques_travail = models.PositiveSmallIntegerField(
        "jours théoriques de travail",
        help_text="Nombre de jours théoriques de travail de l'année (formule du temps de formation).",
    )
    ouvert = models.BooleanField("ouvert", default=True)

    objects = ExerciceQuerySet.as_manager()

    class Meta:
        verbose_name = "exercice"
        verbose_name_plural = "exercices"
        ordering = ["-annee"]

    def __str__(self):
        return f"Exercice {self.annee}"

    def clean(self):
        if self.jours_theoriques_travail is not None and not 1 <= self.jours_theoriques_travail <= 366:
            raise ValidationError({"jours_theoriques_travail": "Le nombre de jours doit être compris entre 1 et 366."})

    def is_past_due(self, today=None):
        return (today or timezone.localdate()) > self.date_limite


class Membership(models.Model):
    """The one role of a user, bound to the caisse (or site) that sets its scope."""

    class Role(models.TextChoices):
        ADMINISTRATEUR = "administrateur", "Administrateur"
        RESPONSABLE = "responsable", "Responsable régional"
        AGENT = "agent", "Agent de saisie"
        RELECTEUR = "relecteur", "Relecteur national"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    caisse = models.ForeignKey(Caisse, verbose_name="caisse", on_delete=models.PROTECT, related_name="memberships")
    site = models.ForeignKey(
        Site,
        verbose_name="site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="Pour un agent de saisie rattaché à un site plutôt qu'à une caisse primaire.",
    )

    class Meta:
        verbose_name = "rôle d'un utilisateur"
        verbose_name_plural = "rôles des utilisateurs"

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.caisse.code}"

    def clean(self):
        # The admin calls clean() even when the caisse or the role failed their own field check: a missing
        # relation must read as None here, never raise RelatedObjectDoesNotExist (a 500).
        caisse = self.caisse if self.caisse_id else None
        site = self.site if self.site_id else None
        errors = membership_errors(self.role, caisse, site)
        if errors:
            raise ValidationError(errors)

    @property
    def region(self):
        if self.site_id:
            return self.site.caisse.region
        return self.caisse.region


def membership_errors(role, caisse, site):
    """Which caisse types each role may be bound to."""
    errors = {}
    if caisse is None:
        return {"caisse": "Choisissez une caisse."}
    if role not in Membership.Role.values:
        return {"role": "Choisissez un rôle."}
    allowed = {
        Membership.Role.ADMINISTRATEUR: {Caisse.Type.NATIONALE},
        Membership.Role.RELECTEUR: {Caisse.Type.NATIONALE},
        Membership.Role.RESPONSABLE: {Caisse.Type.REGIONALE},
        Membership.Role.AGENT: {Caisse.Type.PRIMAIRE, Caisse.Type.REGIONALE},
    }[role]
    if caisse.type not in allowed:
        labels = " ou ".join(sorted(Caisse.Type(t).label.lower() for t in allowed))
        errors["caisse"] = f"Ce rôle doit être rattaché à une {labels}."
    if site is not None:
        if role != Membership.Role.AGENT:
            errors["site"] = "Seul un agent de saisie peut être rattaché à un site."
        elif site.caisse_id != caisse.pk:
            errors["site"] = "Le site doit appartenir à la caisse choisie."
    return errors


class RapportAnnuelQuerySet(models.QuerySet):
    def for_exercice(self, annee):
        return self.filter(exercice__annee=annee)

    def editables(self):
        return self.filter(etat__in=RapportAnnuel.ETATS_EDITABLES)


class RapportAnnuel(models.Model):
    """The annual report of one caisse régionale for one exercice: every yearly figure hangs from it."""

    class Etat(models.TextChoices):
        BROUILLON = "brouillon", "Brouillon"
        TRANSMIS = "transmis", "Transmis"
        RENVOYE = "renvoye", "Renvoyé pour correction"
        VALIDE = "valide", "Validé"

    ETATS_EDITABLES = (Etat.BROUILLON, Etat.RENVOYE)

    caisse = models.ForeignKey(
        Caisse,
        verbose_name="caisse régionale",
        on_delete=models.PROTECT,
        related_name="rapports",
        limit_choices_to={"type": Caisse.Type.REGIONALE},
    )
    exercice = models.ForeignKey(Exercice, verbose_name="exercice", on_delete=models.PROTECT, related_name="rapports")
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.BROUILLON)
    version_donnees = models.PositiveIntegerField(
        "version des données", default=0, help_text="Augmente à chaque modification des données du rapport."
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = RapportAnnuelQuerySet.as_manager()

    class Meta:
        db_table = "rapports_rapportannuel"  # created by the rapports app, moved here without a table rename
        verbose_name = "rapport annuel"
        verbose_name_plural = "rapports annuels"
        ordering = ["caisse__code", "-exercice__annee"]
        constraints = [
            models.UniqueConstraint(fields=["caisse", "exercice"], name="rapport_unique_par_caisse_exercice"),
        ]

    def __str__(self):
        return f"Rapport {self.caisse.code} {self.exercice.annee}"

    @property
    def is_editable(self):
        """Its data may change now: a draft or returned report of an open exercice."""
        return self.etat in self.ETATS_EDITABLES and self.exercice.ouvert

    @property
    def is_transmitted(self):
        return self.etat in (self.Etat.TRANSMIS, self.Etat.VALIDE)

    def is_late(self, today=None):
        return not self.is_transmitted and self.exercice.is_past_due(today)


class SectionVersion(models.Model):
    """How many times each section of a report was saved: the guard against lost updates."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="section_versions")
    section = models.CharField("section", max_length=10)
    version = models.PositiveIntegerField("version", default=0)

    class Meta:
        db_table = "rapports_sectionversion"
        verbose_name = "version d'une section"
        verbose_name_plural = "versions des sections"
        constraints = [models.UniqueConstraint(fields=["rapport", "section"], name="version_unique_par_section")]

    def __str__(self):
        return f"{self.rapport} {self.section} v{self.version}"


def one_to_one_of(rapport, related_name):
    """The report's row of the one-to-one `related_name` (e.g. "installation"), or None.

    Taken from the report when select_related already loaded it (the report page); otherwise read in one query
    and not cached on the report, so that a read after a save in the same request sees the saved row.
    """
    related = getattr(RapportAnnuel, related_name).related
    if related.is_cached(rapport):
        return getattr(rapport, related_name, None)
    if rapport.pk is None:
        return None
    return related.related_model.objects.filter(**{f"{related.field.name}_id": rapport.pk}).first()


class Relance(models.Model):
    """One reminder e-mail sent to one person (rapports.relances): the record that makes the daily run idempotent.

    `date` is the first day of the reminder's period, not the day it was sent: the unique key then allows one
    e-mail per person, exercice, kind and period, whatever the number of runs (even concurrent ones).
    """

    class Kind(models.TextChoices):
        J30 = "J-30", "J−30 (un mois avant la date limite)"
        J7 = "J-7", "J−7 (une semaine avant la date limite)"
        RETARD = "retard", "Retard (chaque semaine après la date limite)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="destinataire", on_delete=models.CASCADE, related_name="relances"
    )
    courriel = models.EmailField("adresse d'envoi", help_text="L'adresse du destinataire au moment de l'envoi.")
    caisse = models.ForeignKey(
        Caisse,
        verbose_name="caisse régionale",
        on_delete=models.PROTECT,
        related_name="relances",
        limit_choices_to={"type": Caisse.Type.REGIONALE},
    )
    exercice = models.ForeignKey(Exercice, verbose_name="exercice", on_delete=models.CASCADE, related_name="relances")
    kind = models.CharField("relance", max_length=10, choices=Kind.choices)
    date = models.DateField("période", help_text="Premier jour de la période de la relance.")
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "exercice", "kind", "date"], name="relance_unique_par_periode"),
        ]

    def __str__(self):
        return f"Relance {self.get_kind_display()} — {self.user} — {self.caisse.code} {self.exercice.annee}"
