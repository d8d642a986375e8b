from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from caisses.limits import SEUIL_ABSOLU, SEUIL_RELATIF, TEXTE, decimal_field
from caisses.models import RapportAnnuel


class PartieTrois(models.Model):
    """Part III: observations, comments, outlook — the region's own voice, in safe Markdown."""

    rapport = models.OneToOneField(RapportAnnuel, on_delete=models.CASCADE, related_name="partie_trois")
    OBSERVATIONS_MAX = 200_000

    observations = models.TextField(
        "observations, commentaires, perspectives d'avenir", blank=True, max_length=OBSERVATIONS_MAX
    )

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
    """The PDF as transmitted, stored unchanged with its hash: the official copy.

    Created with its frozen copy at the transmission; the PDF is printed from that copy by a task
    (rapports.taches): until then the archive is « en préparation », with no file, hash or size.
    """

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="archives")
    transition = models.OneToOneField(Transition, on_delete=models.PROTECT, related_name="archive")
    numero = models.PositiveIntegerField("n° de transmission")
    fichier = models.FileField("fichier PDF", upload_to=archive_path, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    taille = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    imprime_le = models.DateTimeField("PDF imprimé le", null=True, blank=True)

    class Meta:
        verbose_name = "PDF archivé"
        verbose_name_plural = "PDF archivés"
        ordering = ["numero"]
        constraints = [models.UniqueConstraint(fields=["rapport", "numero"], name="archive_unique_par_numero")]

    def __str__(self):
        return f"{self.rapport} — transmission n° {self.numero}"

    @property
    def en_preparation(self):
        return not self.fichier


class CopieFigee(models.Model):
    """What a transmission froze beside its PDF: the interchange document and the report's body, as served.

    While the report is transmis or validé, its page, its PDF and its export.json come from here and from the
    archived PDF (rapports.freeze), so that no later change of reference data reaches them.
    """

    archive = models.OneToOneField(ArchivePDF, on_delete=models.CASCADE, related_name="copie")
    document = models.TextField("document d'échange (JSON)")
    corps_html = models.TextField("corps du rapport (HTML)")
    reconstituee = models.BooleanField(
        "reconstituée après coup",
        default=False,
        help_text="Transmission antérieure aux copies figées : le document et la page ont été établis à la première "
        "lecture, à partir des données de ce moment ; le PDF est celui archivé à la transmission.",
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "copie figée d'une transmission"
        verbose_name_plural = "copies figées des transmissions"

    def __str__(self):
        return f"Copie figée — {self.archive}"


class Commentaire(models.Model):
    """A reviewer's comment on one section of a report, shown on that section's entry page until treated."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="commentaires")
    section = models.CharField("section", max_length=10)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT)
    texte = models.TextField("commentaire")
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    # Set by the region's responsable once the fix is made: the reviewer sees it, the region's home drops it.
    traite = models.BooleanField("traité", default=False)
    traite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traité par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    traite_le = models.DateTimeField("traité le", null=True, blank=True)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["cree_le", "pk"]

    def __str__(self):
        return f"Commentaire sur {self.section} ({self.rapport})"


class SeuilVariationPartieUn(models.Model):
    """The variation threshold of one key figure of Part I (issue 12), set by the administrator.

    The catalogue's indicators carry their own (activites.Indicateur); the rule is rapports.variations.
    """

    class Cle(models.TextChoices):
        ETP = "etp", "Effectif réel en ETP au 31 décembre"
        JOURS_FORMATION = "jours_formation", "Jours de formation"
        JOURS_ABSENCE = "jours_absence", "Jours d'absence"

    cle = models.CharField("chiffre", max_length=20, choices=Cle.choices, unique=True)
    seuil_relatif = decimal_field(
        "seuil de variation relative (%)",
        SEUIL_RELATIF,
        default=20,
        help_text="Variation relative (en % de N−1) à partir de laquelle une explication est demandée.",
    )
    seuil_absolu = decimal_field(
        "seuil de variation absolue",
        SEUIL_ABSOLU,
        default=30,
        help_text="Écart minimum entre N et N−1 (en ETP ou en jours) pour qu'une variation demande une explication.",
    )

    class Meta:
        verbose_name = "seuil de variation de la partie I"
        verbose_name_plural = "seuils de variation de la partie I"
        ordering = ["cle"]

    def __str__(self):
        return self.get_cle_display()


class ExplicationVariation(models.Model):
    """The region's explanation of one figure that moved past its threshold from N−1 (rapports.variations).

    `cle` names the figure: « indicateur:<code> » for the catalogue, « partie1:<etp|jours_formation|jours_absence> ».
    """

    CLE_MAX = 80

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="explications_variations")
    cle = models.CharField("chiffre", max_length=CLE_MAX)
    texte = models.TextField("explication", max_length=TEXTE, validators=[MaxLengthValidator(TEXTE)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = "explication d'une variation"
        verbose_name_plural = "explications des variations"
        ordering = ["cle"]
        constraints = [models.UniqueConstraint(fields=["rapport", "cle"], name="explication_unique_par_chiffre")]

    def __str__(self):
        return f"{self.cle} ({self.rapport})"
