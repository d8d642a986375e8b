"""The default catalogue loaded by the data migration: exactly the codes of DOMAIN.md."""

import pytest
from django.core.exceptions import ValidationError

from activites.models import GroupeIndicateurs, Indicateur, Regle

DONNEES = {
    "personnes_aidees_individuel", "personnes_aidees_collectif", "personnes_aidees_non_reparties",
    "domaine_acces_soins", "domaine_maintien_emploi", "domaine_retour_emploi", "domaine_personnes_agees",
    "domaine_malades_handicapees", "domaine_non_repartis",
    "type_conseil", "type_mediation", "type_accompagnement",
    "accompagnements_termines", "objectifs_atteints", "objectifs_partiels",
    "collectif_info_actions", "collectif_info_beneficiaires", "collectif_groupes_actions",
    "collectif_groupes_beneficiaires", "collectif_isic_actions", "collectif_isic_beneficiaires",
    "origine_offre_service", "origine_tiers", "origine_spontanee", "offres_service_emises",
    "appels_nouveaux_demandeurs", "appels_traites_immediatement", "appels_traites_24h", "saisines_recues",
    "saisines_offre_service", "saisines_offre_3_jours", "saisines_contact",
    "publics_precarite",
}  # fmt: skip
RATIOS = {
    "taux_objectifs_atteints": ("objectifs_atteints", "accompagnements_termines"),
    "taux_objectifs_partiels": ("objectifs_partiels", "accompagnements_termines"),
    "taux_appels_immediats": ("appels_traites_immediatement", "appels_nouveaux_demandeurs"),
    "taux_appels_24h": ("appels_traites_24h", "appels_nouveaux_demandeurs"),
    "taux_offre_service": ("saisines_offre_service", "saisines_recues"),
    "taux_offre_3_jours": ("saisines_offre_3_jours", "saisines_offre_service"),
    "taux_contact": ("saisines_contact", "saisines_offre_service"),
}


@pytest.mark.django_db
def test_default_catalogue_has_exactly_the_codes_of_the_domain():
    donnees = set(Indicateur.objects.filter(nature="donnee").values_list("code", flat=True))
    assert donnees == DONNEES
    ratios = {
        i.code: (i.numerateur.code, i.denominateur.code)
        for i in Indicateur.objects.filter(nature="ratio").select_related("numerateur", "denominateur")
    }
    assert ratios == RATIOS
    assert GroupeIndicateurs.objects.count() == 8
    assert all(i.libelle and i.libelle[0].isupper() or i.libelle.startswith("dont") for i in Indicateur.objects.all())


@pytest.mark.django_db
def test_default_rules():
    somme = Regle.objects.get(nature="somme_egale")
    assert somme.indicateur.code == "personnes_aidees_individuel"
    assert {t.code for t in somme.termes.all()} == {c for c in DONNEES if c.startswith("domaine_")}
    pairs = {(r.indicateur.code, r.termes.get().code) for r in Regle.objects.filter(nature="inferieur_ou_egal")}
    assert pairs == set(RATIOS.values())
    assert Regle.objects.filter(nature="positif", indicateur=None).exists()


@pytest.mark.django_db
def test_ratio_needs_its_terms_and_active_years_in_order():
    groupe = GroupeIndicateurs.objects.first()
    indicateur = Indicateur(
        code="taux_x", libelle="X", groupe=groupe, nature="ratio", actif_depuis=2025, actif_jusqu_a=2024
    )
    with pytest.raises(ValidationError) as error:
        indicateur.full_clean()
    assert set(error.value.message_dict) >= {"numerateur", "denominateur", "actif_jusqu_a"}


@pytest.mark.django_db
def test_active_indicators_by_year():
    groupe = GroupeIndicateurs.objects.first()
    Indicateur.objects.create(code="ancien", libelle="Ancien", groupe=groupe, actif_jusqu_a=2023)
    Indicateur.objects.create(code="nouveau", libelle="Nouveau", groupe=groupe, actif_depuis=2025)
    codes_2024 = set(Indicateur.objects.actifs(2024).values_list("code", flat=True))
    codes_2025 = set(Indicateur.objects.actifs(2025).values_list("code", flat=True))
    assert "ancien" not in codes_2024 and "nouveau" not in codes_2024
    assert "nouveau" in codes_2025 and "personnes_aidees_individuel" in codes_2025
