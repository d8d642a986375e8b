"""Part I of the plan — Organisation et moyens (I.1 effectifs, I.2 installation, I.3 formation, I.4 réunions).

Every yearly figure hangs from a RapportAnnuel; categories of staff are data (admins may add one).
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from caisses.models import Caisse, RapportAnnuel, Site

ETP = {"max_digits": 7, "decimal_places": 2}


class Categorie(models.Model):
    code = models.SlugField("code", max_length=30, unique=True)
    libelle = models.CharField("libellé", max_length=120)
    est_assistant_social = models.BooleanField(
        "compte comme assistant social",
        default=False,
        help_text="Les catégories d'assistants sociaux entrent dans la formule du temps passé en formation.",
    )
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

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
    theorique_effectif = models.PositiveIntegerField("effectif théorique au 1er janvier", default=0)
    theorique_etp = models.DecimalField("ETP théorique au 1er janvier", default=0, **ETP)
    reel_effectif = models.PositiveIntegerField("effectif réel au 31 décembre", default=0)
    reel_etp = models.DecimalField("ETP réel au 31 décembre", default=0, **ETP)
    age_moyen = models.DecimalField("âge moyen", max_digits=4, decimal_places=1, null=True, blank=True)

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
    etp = models.DecimalField("ETP", **ETP)

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
    nombre = models.PositiveIntegerField("nombre")

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
    jours = models.DecimalField("jours d'absence", max_digits=9, decimal_places=1)

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
    nombre = models.PositiveIntegerField("nombre")
    ecole = models.CharField("école", max_length=200)
    annee_etudes = models.PositiveSmallIntegerField("année d'études")

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
    moyens_materiels = models.TextField("moyens matériels mis à la disposition du personnel", blank=True)
    vehicules = models.PositiveIntegerField("véhicules", null=True, blank=True)
    postes_informatiques = models.PositiveIntegerField("postes informatiques", null=True, blank=True)
    telephones = models.PositiveIntegerField("téléphones", null=True, blank=True)
    ameliorations_obtenues = models.TextField("améliorations obtenues", blank=True)
    ameliorations_necessaires = models.TextField("améliorations nécessaires", blank=True)

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


class Convention(models.Model):
    """I.2 — a convention between the caisse régionale and one caisse primaire."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="conventions")
    caisse_primaire = models.ForeignKey(
        Caisse, verbose_name="caisse primaire", on_delete=models.PROTECT, related_name="+"
    )
    date_signature = models.DateField("date de signature")
    objet = models.CharField("objet", max_length=300)
    montant_participation = models.DecimalField(
        "participation financière de la caisse régionale (€)", max_digits=12, decimal_places=2
    )

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
    participants = models.PositiveIntegerField("participants")
    jours = models.DecimalField(
        "jours de formation", max_digits=8, decimal_places=1, help_text="Temps de trajet exclu."
    )

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
    nombre = models.PositiveIntegerField("nombre dans l'année")
    contenu = models.TextField("contenu", blank=True)

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
    objectifs = models.TextField("objectifs", blank=True)
    nombre = models.PositiveIntegerField("nombre dans l'année")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion avec un autre service"
        verbose_name_plural = "réunions avec d'autres services"
        ordering = ["pk"]

    def __str__(self):
        return self.service
