from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from caisses.models import Caisse, Exercice


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
        return self.etat in self.ETATS_EDITABLES

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
        verbose_name = "version d'une section"
        verbose_name_plural = "versions des sections"
        constraints = [models.UniqueConstraint(fields=["rapport", "section"], name="version_unique_par_section")]

    def __str__(self):
        return f"{self.rapport} {self.section} v{self.version}"


class PartieTrois(models.Model):
    """Part III: observations, comments, outlook — the region's own voice, in safe Markdown."""

    rapport = models.OneToOneField(RapportAnnuel, on_delete=models.CASCADE, related_name="partie_trois")
    observations = models.TextField("observations, commentaires, perspectives d'avenir", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "partie III"
        verbose_name_plural = "parties III"

    def __str__(self):
        return f"Partie III — {self.rapport}"


class Transition(models.Model):
    """One step of a report's life (transmis, renvoyé, validé, rouvert), with who, when and why."""

    class Action(models.TextChoices):
        TRANSMETTRE = "transmettre", "Transmission"
        RENVOYER = "renvoyer", "Renvoi pour correction"
        VALIDER = "valider", "Validation"
        ROUVRIR = "rouvrir", "Réouverture"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("action", max_length=20, choices=Action.choices)
    etat_avant = models.CharField("état avant", max_length=20, choices=RapportAnnuel.Etat.choices)
    etat_apres = models.CharField("état après", max_length=20, choices=RapportAnnuel.Etat.choices)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT)
    date = models.DateTimeField("date", default=timezone.now)
    motif = models.TextField("motif", blank=True)
    avertissements_acceptes = models.JSONField(
        "avertissements acceptés", default=list, blank=True, help_text="Avertissements reconnus à la transmission."
    )

    class Meta:
        verbose_name = "transition"
        verbose_name_plural = "transitions"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.rapport} : {self.get_action_display()} le {self.date:%d/%m/%Y}"


def archive_path(archive, filename):
    return f"archives/{archive.rapport.caisse.code}/{archive.rapport.exercice.annee}/{filename}"


class ArchivePDF(models.Model):
    """The PDF as transmitted, stored unchanged with its hash: the official copy."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="archives")
    transition = models.OneToOneField(Transition, on_delete=models.PROTECT, related_name="archive")
    numero = models.PositiveIntegerField("n° de transmission")
    fichier = models.FileField("fichier PDF", upload_to=archive_path)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "PDF archivé"
        verbose_name_plural = "PDF archivés"
        ordering = ["numero"]
        constraints = [models.UniqueConstraint(fields=["rapport", "numero"], name="archive_unique_par_numero")]

    def __str__(self):
        return f"{self.rapport} — transmission n° {self.numero}"


class Commentaire(models.Model):
    """A reviewer's comment on one section of a report."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="commentaires")
    section = models.CharField("section", max_length=10)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT)
    texte = models.TextField("commentaire")
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"Commentaire sur {self.section} ({self.rapport})"


def one_to_one_of(rapport, related_name):
    """The report's row of the one-to-one `related_name` (e.g. "installation"), or None.

    Taken from the report when select_related already loaded it (the report page); otherwise read in one query
    and not cached on the report, so that a read after a save in the same request sees the saved row.
    """
    related = getattr(RapportAnnuel, related_name).related
    if related.is_cached(rapport):
        return getattr(rapport, related_name, None)
    return related.related_model.objects.filter(**{related.field.name: rapport}).first()
