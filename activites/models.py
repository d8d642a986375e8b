"""Part II of the plan: the indicator catalogue, its validation rules, and the yearly figures and texts."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from caisses.limits import (
    NOMBRE,
    POURCENTAGE,
    SEMAINES,
    SEUIL_ABSOLU,
    SEUIL_RELATIF,
    TEXTE_COURT,
    TEXTE_LONG,
    VALEUR_INDICATEUR,
    count_field,
    decimal_field,
)
from caisses.models import Caisse, RapportAnnuel, Site

from .redaction import CHAMPS_PHRASE, valider_phrase

# Exercices a catalogue line may be bounded by (actif depuis / jusqu'à).
PREMIER_EXERCICE, DERNIER_EXERCICE = 1970, 2100


def texte_long(verbose_name):
    """A narrative: bounded in forms and in full_clean (a TextField's max_length alone only sizes the widget)."""
    return models.TextField(
        verbose_name, blank=True, max_length=TEXTE_LONG, validators=[MaxLengthValidator(TEXTE_LONG)]
    )


def texte_court(verbose_name, **kwargs):
    return models.CharField(verbose_name, max_length=TEXTE_COURT, **kwargs)


def position():
    """The row's place on its page, set by the services (never typed)."""
    return count_field("ordre", NOMBRE, default=0, editable=False)


def exercice_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(PREMIER_EXERCICE), MaxValueValidator(DERNIER_EXERCICE)],
    )


class GroupeIndicateurs(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "groupe d'indicateurs"
        verbose_name_plural = "groupes d'indicateurs"
        ordering = ["ordre", "code"]

    def __str__(self):
        return self.libelle


def phrase_field(verbose_name, exemple):
    return models.CharField(
        verbose_name,
        max_length=300,
        blank=True,
        default="",
        validators=[valider_phrase],
        help_text=f"Par exemple « {exemple} ».",
    )


class IndicateurQuerySet(models.QuerySet):
    def actifs(self, annee):
        """Indicators in use for exercice `annee`."""
        return self.filter(Q(actif_depuis__isnull=True) | Q(actif_depuis__lte=annee)).filter(
            Q(actif_jusqu_a__isnull=True) | Q(actif_jusqu_a__gte=annee)
        )

    def ordonnes(self):
        return self.select_related("groupe", "numerateur", "denominateur", "poids").order_by(
            "groupe__ordre", "groupe__code", "ordre", "code"
        )


class Indicateur(models.Model):
    """One line of the catalogue: a figure people enter (donnée) or a rate computed from two données (ratio)."""

    class Nature(models.TextChoices):
        DONNEE = "donnee", "Donnée (saisie)"
        RATIO = "ratio", "Ratio (calculé)"

    class Agregation(models.TextChoices):
        SOMME = "somme", "Somme"
        MOYENNE_PONDEREE = "moyenne_ponderee", "Moyenne pondérée"
        AUCUNE = "aucune", "Aucune (valeur régionale seulement)"

    code = models.SlugField("code", max_length=60, unique=True, help_text="Stable : utilisé par les échanges.")
    libelle = models.CharField("libellé", max_length=250)
    groupe = models.ForeignKey(
        GroupeIndicateurs, verbose_name="groupe", on_delete=models.PROTECT, related_name="indicateurs"
    )
    ordre = models.PositiveSmallIntegerField("ordre dans le groupe", default=0)
    unite_mesure = models.CharField("unité de mesure", max_length=40, default="personnes")
    # A figure's column holds VALEUR_INDICATEUR.places decimals: an indicator may not ask for more.
    decimales = models.PositiveSmallIntegerField(
        "décimales", default=0, validators=[MaxValueValidator(VALEUR_INDICATEUR.places)]
    )
    nature = models.CharField("nature", max_length=10, choices=Nature.choices, default=Nature.DONNEE)
    agregation = models.CharField(
        "agrégation entre unités", max_length=20, choices=Agregation.choices, default=Agregation.SOMME
    )
    numerateur = models.ForeignKey(
        "self",
        verbose_name="numérateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"nature": "donnee"},
    )
    denominateur = models.ForeignKey(
        "self",
        verbose_name="dénominateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"nature": "donnee"},
    )
    poids = models.ForeignKey(
        "self",
        verbose_name="pondération",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"nature": "donnee"},
        help_text="Pour une moyenne pondérée : la donnée qui pèse chaque unité.",
    )
    actif_depuis = exercice_field("actif depuis l'exercice")
    actif_jusqu_a = exercice_field("actif jusqu'à l'exercice")
    definition = texte_long("définition")
    # A change from N-1 that passes both thresholds has to be explained before transmission (issue 12).
    seuil_relatif = decimal_field(
        "seuil de variation relative (%)",
        SEUIL_RELATIF,
        default=20,
        help_text="Variation relative à partir de laquelle une explication est demandée (en points pour un ratio).",
    )
    seuil_absolu = decimal_field(
        "seuil de variation absolue",
        SEUIL_ABSOLU,
        default=30,
        help_text="Écart minimum, dans l'unité de l'indicateur, pour qu'une variation demande une explication.",
    )
    # The sentences of the drafted paragraph (activites.redaction) for an indicator the code has none for.
    phrase_aucun = phrase_field("phrase si le chiffre est 0", "aucun atelier numérique n'a été animé{v}")
    phrase_un = phrase_field("phrase si le chiffre est 1", "{n} atelier numérique a été animé{v}")
    phrase_plusieurs = phrase_field("phrase si le chiffre est 2 ou plus", "{n} ateliers numériques ont été animés{v}")

    objects = IndicateurQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["groupe__ordre", "ordre", "code"]

    def __str__(self):
        return f"{self.libelle} ({self.code})"

    @property
    def is_ratio(self):
        return self.nature == self.Nature.RATIO

    @property
    def bound(self):
        """The bound of this indicator's figures: VALEUR_INDICATEUR with the indicator's own decimals."""
        return replace(VALEUR_INDICATEUR, places=min(self.decimales, VALEUR_INDICATEUR.places))

    def clean(self):
        errors = {}
        if self.is_ratio:
            if not self.numerateur_id:
                errors["numerateur"] = "Un ratio a un numérateur."
            if not self.denominateur_id:
                errors["denominateur"] = "Un ratio a un dénominateur."
        else:
            if self.numerateur_id or self.denominateur_id:
                errors["numerateur"] = "Seul un ratio a un numérateur et un dénominateur."
        if self.agregation == self.Agregation.MOYENNE_PONDEREE and not self.poids_id:
            errors["poids"] = "Une moyenne pondérée a besoin d'une donnée de pondération."
        if self.actif_depuis and self.actif_jusqu_a and self.actif_jusqu_a < self.actif_depuis:
            errors["actif_jusqu_a"] = "L'exercice de fin précède l'exercice de début."
        phrases = [getattr(self, name).strip() for name in CHAMPS_PHRASE]
        if any(phrases) and not all(phrases):
            for name, phrase in zip(CHAMPS_PHRASE, phrases, strict=True):
                if not phrase:
                    errors[name] = "Écrivez les trois phrases (0, 1, 2 ou plus), ou aucune."
        if errors:
            raise ValidationError(errors)


class Regle(models.Model):
    """A validation rule over the catalogue, evaluated by `activites.rules`."""

    class Nature(models.TextChoices):
        SOMME_EGALE = "somme_egale", "égale à la somme de"
        INFERIEUR_OU_EGAL = "inferieur_ou_egal", "inférieure ou égale à"
        POSITIF = "positif", "positive ou nulle"

    class Niveau(models.TextChoices):
        ERREUR = "erreur", "Erreur (bloque)"
        AVERTISSEMENT = "avertissement", "Avertissement"

    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    indicateur = models.ForeignKey(
        Indicateur,
        verbose_name="indicateur contrôlé",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="regles",
        help_text="Vide pour une règle « positive ou nulle » : elle vaut alors pour toutes les données.",
    )
    termes = models.ManyToManyField(
        Indicateur, verbose_name="termes de comparaison", blank=True, related_name="regles_comme_terme"
    )
    niveau = models.CharField("niveau", max_length=20, choices=Niveau.choices, default=Niveau.ERREUR)
    active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "règle de contrôle"
        verbose_name_plural = "règles de contrôle"
        ordering = ["nature", "indicateur__code"]

    def __str__(self):
        target = self.indicateur.code if self.indicateur_id else "toutes les données"
        return f"{target} {self.get_nature_display()}"


class Valeur(models.Model):
    """One figure of one exercice: for a caisse primaire, a site, or (neither) the region as a whole."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="valeurs")
    indicateur = models.ForeignKey(Indicateur, on_delete=models.PROTECT, related_name="valeurs")
    caisse = models.ForeignKey(
        Caisse, verbose_name="caisse primaire", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name="site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valeur = decimal_field("valeur", VALEUR_INDICATEUR)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        constraints = [
            models.CheckConstraint(
                condition=Q(caisse__isnull=True) | Q(site__isnull=True), name="valeur_une_seule_unite"
            ),
            models.UniqueConstraint(
                fields=["rapport", "indicateur", "caisse"],
                condition=Q(caisse__isnull=False),
                name="valeur_unique_par_caisse",
            ),
            models.UniqueConstraint(
                fields=["rapport", "indicateur", "site"], condition=Q(site__isnull=False), name="valeur_unique_par_site"
            ),
            models.UniqueConstraint(
                fields=["rapport", "indicateur"],
                condition=Q(caisse__isnull=True, site__isnull=True),
                name="valeur_unique_region",
            ),
        ]

    def __str__(self):
        return f"{self.indicateur.code} = {self.valeur}"

    def clean(self):
        """What the entry grid and the import check too, for the admin's form: the unit, the indicator."""
        errors = {}
        if self.caisse_id and self.site_id:
            errors["site"] = "Une valeur concerne une caisse primaire, un site ou la région : pas les deux."
        region = self.rapport.caisse if self.rapport_id else None
        if region is not None:
            if self.caisse_id and not Caisse.objects.primaires().of_region(region).filter(pk=self.caisse_id).exists():
                errors["caisse"] = f"Cette caisse n'est pas une caisse primaire de la région {region.code}."
            if self.site_id and not Site.objects.of_region(region).filter(pk=self.site_id).exists():
                errors["site"] = f"Ce site n'appartient pas à la région {region.code}."
        if self.indicateur_id:
            if self.indicateur.is_ratio:
                errors["indicateur"] = "Un ratio est calculé : il ne se saisit pas."
            message = self.indicateur.bound.check(self.valeur) if self.valeur is not None else ""
            if message:
                errors["valeur"] = message
        if errors:
            raise ValidationError(errors)


class PartieDeux(models.Model):
    """The narratives of Part II (one per report)."""

    rapport = models.OneToOneField(RapportAnnuel, on_delete=models.CASCADE, related_name="partie_deux")
    evolution_nature_activites = texte_long("évolution dans la nature des activités")
    etudiants_commentaire = texte_long("commentaire sur la formation des étudiants")
    coordination_commentaire = texte_long("partenaires et évolution constatée de la coordination")
    autres_activites = texte_long("autres activités")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "partie II (textes)"
        verbose_name_plural = "parties II (textes)"

    def __str__(self):
        return f"Partie II — {self.rapport}"


class Etudiant(models.Model):
    """II.2: trainees received from one school."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="etudiants")
    ecole = texte_court("école")
    nombre = count_field("nombre d'étudiants", NOMBRE)
    duree_semaines = decimal_field("durée du stage (semaines)", SEMAINES)
    ordre = position()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "stagiaire accueilli"
        verbose_name_plural = "stagiaires accueillis"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return f"{self.nombre} étudiant(s) — {self.ecole}"


class Circonscription(models.Model):
    """II.3: a district of the social service."""

    rapport = models.ForeignKey(RapportAnnuel, on_delete=models.CASCADE, related_name="circonscriptions")
    nom = texte_court("nom")
    territoire = texte_court("territoire", blank=True)
    referent = texte_court("référent", blank=True)
    ordre = position()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "circonscription"
        verbose_name_plural = "circonscriptions"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return self.nom


class EnqueteSatisfaction(models.Model):
    """II.4: the optional satisfaction survey of the year."""

    rapport = models.OneToOneField(RapportAnnuel, on_delete=models.CASCADE, related_name="enquete_satisfaction")
    periode = texte_court("période")
    echantillon = count_field("taille de l'échantillon", NOMBRE)
    taux_reponse = decimal_field("taux de réponse (%)", POURCENTAGE)
    organisme = texte_court("organisme ayant réalisé l'enquête", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "enquête de satisfaction"
        verbose_name_plural = "enquêtes de satisfaction"

    def __str__(self):
        return f"Enquête de satisfaction — {self.rapport}"


class ItemSatisfaction(models.Model):
    enquete = models.ForeignKey(EnqueteSatisfaction, on_delete=models.CASCADE, related_name="items")
    dimension = texte_court("dimension")
    satisfaits_pct = decimal_field("satisfaits (%)", POURCENTAGE)
    tres_satisfaits_pct = decimal_field("très satisfaits (%)", POURCENTAGE, null=True, blank=True)
    ordre = position()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "résultat par dimension"
        verbose_name_plural = "résultats par dimension"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return self.dimension
