"""Part I of the plan — Organisation et moyens (I.1 effectifs, I.2 installation, I.3 formation, I.4 réunions).

Every yearly figure hangs from a RapportAnnuel; categories of staff are data (admins may add one).
"""

from decimal import Decimal

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from caisses import limits
from caisses.limits import AGE, EFFECTIF, EQUIPEMENT, ETP, EUROS, JOURS, NOMBRE, Bound, count_field, decimal_field
from caisses.models import Caisse, RapportAnnuel, Site

# Bounds of Part I that are no kind of figure of the plan: built with limits.Bound so that every entry path
# (forms, interchange, admin) reads them from the field like the others.
ANNEE_ETUDES = Bound(Decimal(1), Decimal(10), 0, "année d'études")
ORDRE = Bound(Decimal(0), Decimal(9_999), 0, "ordre")


def text_field(verbose_name, size=limits.TEXTE, **kwargs):
    """A TextField bounded to `size` characters; TextField's max_length alone binds only model forms."""
    return models.TextField(verbose_name, max_length=size, validators=[MaxLengthValidator(size)], **kwargs)


class Categorie(models.Model):
    code = models.SlugField("code", max_length=30, unique=True)
    libelle = models.CharField("libellé", max_length=120)
    est_assistant_social = models.BooleanField(
        "compte comme assistant social",
        default=False,
        help_text="Les catégories d'assistants sociaux entrent dans la formule du temps passé en formation.",
    )
    ordre = count_field("ordre d'affichage", ORDRE, default=0)

    class Meta:
        verbose_name = "catégorie de personnel"
        verbose_name_plural = "catégories de personnel"
        ordering = ["ordre", "code"]

    def __str__(self):
        return self.libelle


class Effectif(models.Model):
    """I.1 — staff of one category: théorique au 1er janvier, réel au 31 décembre, headcount and ETP."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="effectifs")
    categorie = models.ForeignKey(Categorie, verbose_name="catégorie", on_delete=models.PROTECT)
    theorique_effectif = count_field("effectif théorique au 1er janvier", EFFECTIF, default=0)
    theorique_etp = decimal_field("ETP théorique au 1er janvier", ETP, default=0)
    reel_effectif = count_field("effectif réel au 31 décembre", EFFECTIF, default=0)
    reel_etp = decimal_field("ETP réel au 31 décembre", ETP, default=0)
    age_moyen = decimal_field("âge moyen", AGE, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "effectif"
        verbose_name_plural = "effectifs"
        ordering = ["categorie__ordre", "categorie__code"]
        constraints = [models.UniqueConstraint(fields=["rapport", "categorie"], name="effectif_unique_par_categorie")]

    def __str__(self):
        return f"{self.categorie} — {self.rapport}"


class Affectation(models.Model):
    """I.1 a) organigramme: ETP of one category assigned to a caisse primaire or a site."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="affectations")
    caisse_primaire = models.ForeignKey(
        Caisse, verbose_name="caisse primaire", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name="site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    categorie = models.ForeignKey(Categorie, verbose_name="catégorie", on_delete=models.PROTECT)
    etp = decimal_field("ETP", ETP)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"
        ordering = ["categorie__ordre", "caisse_primaire__code", "site__code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(caisse_primaire__isnull=False, site__isnull=True)
                | Q(caisse_primaire__isnull=True, site__isnull=False),
                name="affectation_une_seule_unite",
            )
        ]

    def __str__(self):
        return f"{self.unite} — {self.categorie} : {self.etp}"

    @property
    def unite(self):
        return self.caisse_primaire or self.site


class Mouvement(models.Model):
    """I.1 b) embauches and départs of one category (départs with their reason)."""

    class Type(models.TextChoices):
        EMBAUCHE = "embauche", "Embauche"
        DEPART = "depart", "Départ"

    class Motif(models.TextChoices):
        RETRAITE = "retraite", "Retraite"
        DEMISSION = "demission", "Démission"
        MUTATION = "mutation", "Mutation"
        FIN_CONTRAT = "fin_contrat", "Fin de contrat"
        AUTRE = "autre", "Autre"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="mouvements")
    categorie = models.ForeignKey(Categorie, verbose_name="catégorie", on_delete=models.PROTECT)
    type = models.CharField("mouvement", max_length=10, choices=Type.choices)
    motif = models.CharField("motif du départ", max_length=15, choices=Motif.choices, blank=True)
    nombre = count_field("nombre", EFFECTIF)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mouvement de personnel"
        verbose_name_plural = "mouvements de personnel"
        ordering = ["categorie__ordre", "type", "motif", "pk"]

    def __str__(self):
        return f"{self.get_type_display()} {self.categorie} : {self.nombre}"


class Absence(models.Model):
    """I.1 c) days of absence for one reason (absentéisme)."""

    class Motif(models.TextChoices):
        MALADIE = "maladie", "Maladie"
        MATERNITE = "maternite", "Maternité"
        ACCIDENT_TRAVAIL = "accident_travail", "Accident du travail"
        AUTRE = "autre", "Autre"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="absences")
    motif = models.CharField("motif", max_length=20, choices=Motif.choices)
    jours = decimal_field("jours d'absence", JOURS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "absence"
        verbose_name_plural = "absences"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_motif_display()} : {self.jours} jours"


class Boursier(models.Model):
    """I.1 d) scholarship students."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="boursiers")
    nombre = count_field("nombre", EFFECTIF)
    ecole = models.CharField("école", max_length=200)
    annee_etudes = count_field("année d'études", ANNEE_ETUDES)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "boursier"
        verbose_name_plural = "boursiers"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.nombre} — {self.ecole}"


class Installation(models.Model):
    """I.2 — moyens matériels and améliorations: one per report."""

    rapport = models.OneToOneField(RapportAnnuel, on_delete=models.CASCADE, related_name="installation")
    moyens_materiels = text_field("moyens matériels mis à la disposition du personnel", blank=True)
    vehicules = count_field("véhicules", EQUIPEMENT, null=True, blank=True)
    postes_informatiques = count_field("postes informatiques", EQUIPEMENT, null=True, blank=True)
    telephones = count_field("téléphones", EQUIPEMENT, null=True, blank=True)
    ameliorations_obtenues = text_field("améliorations obtenues", blank=True)
    ameliorations_necessaires = text_field("améliorations nécessaires", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "installation des services"
        verbose_name_plural = "installations des services"

    def __str__(self):
        return f"Installation — {self.rapport}"

    def is_empty(self):
        return not any(
            [
                self.moyens_materiels,
                self.ameliorations_obtenues,
                self.ameliorations_necessaires,
                self.vehicules is not None,
                self.postes_informatiques is not None,
                self.telephones is not None,
            ]
        )


class EtatLocaux(models.Model):
    """I.2 — the state of one site's premises as the report of one year describes it.

    A yearly fact, kept per report: next year's description never changes a report already sent.
    """

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="etats_locaux")
    site = models.ForeignKey(Site, verbose_name="site", on_delete=models.PROTECT, related_name="+")
    texte = text_field("état des locaux")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "état des locaux d'un site"
        verbose_name_plural = "états des locaux des sites"
        ordering = ["site__code"]
        constraints = [models.UniqueConstraint(fields=["rapport", "site"], name="etat_locaux_unique_par_site")]

    def __str__(self):
        return f"Locaux de {self.site} — {self.rapport}"


class Convention(models.Model):
    """I.2 — a convention between the caisse régionale and one caisse primaire."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="conventions")
    caisse_primaire = models.ForeignKey(
        Caisse, verbose_name="caisse primaire", on_delete=models.PROTECT, related_name="+"
    )
    date_signature = models.DateField("date de signature")
    objet = models.CharField("objet", max_length=300)
    montant_participation = decimal_field("participation financière de la caisse régionale (€)", EUROS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["caisse_primaire__code", "date_signature", "pk"]

    def __str__(self):
        return f"Convention {self.caisse_primaire} du {self.date_signature:%d/%m/%Y}"


class Formation(models.Model):
    """I.3 — one training action."""

    class Nature(models.TextChoices):
        FORMATION = "formation", "Formation"
        PERFECTIONNEMENT = "perfectionnement", "Perfectionnement"
        COMPLEMENTAIRE = "complementaire", "Formation complémentaire en cours d'emploi"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="formations")
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    intitule = models.CharField("intitulé", max_length=250)
    organisme = models.CharField("organisme", max_length=200, blank=True)
    participants = count_field("participants", EFFECTIF)
    jours = decimal_field("jours de formation", JOURS, help_text="Temps de trajet exclu.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "action de formation"
        verbose_name_plural = "actions de formation"
        ordering = ["pk"]

    def __str__(self):
        return self.intitule


class Reunion(models.Model):
    """I.4 — service meetings at regional or local level."""

    class Niveau(models.TextChoices):
        REGIONAL = "regional", "Régional"
        LOCAL = "local", "Local"

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="reunions")
    niveau = models.CharField("échelon", max_length=10, choices=Niveau.choices)
    periodicite = models.CharField("périodicité", max_length=100)
    nombre = count_field("nombre dans l'année", NOMBRE)
    contenu = text_field("contenu", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion de service"
        verbose_name_plural = "réunions de service"
        ordering = ["pk"]

    def __str__(self):
        return f"Réunion {self.get_niveau_display().lower()} ({self.periodicite})"


class ReunionAutreService(models.Model):
    """I.4 — meetings with other services of the caisse, and their objectives."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="reunions_autres_services")
    service = models.CharField("service", max_length=200)
    objectifs = text_field("objectifs", blank=True)
    nombre = count_field("nombre dans l'année", NOMBRE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion avec un autre service"
        verbose_name_plural = "réunions avec d'autres services"
        ordering = ["pk"]

    def __str__(self):
        return self.service
