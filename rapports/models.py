from django.db import models

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
