"""The four default categories of staff (DOMAIN.md I.1); admins may add others."""

DEFAULT_CATEGORIES = [
    # (code, libellé, compte comme assistant social, ordre)
    ("as_cadres", "Assistants sociaux cadres", True, 10),
    ("as", "Assistants sociaux", True, 20),
    ("secretariat", "Agents de secrétariat", False, 30),
    ("autre", "Autre personnel", False, 40),
]


def ensure_default_categories(categorie_model=None):
    """Create the missing default categories (the data migration; also tests after a transactional flush)."""
    if categorie_model is None:
        from .models import Categorie as categorie_model
    for code, libelle, est_as, ordre in DEFAULT_CATEGORIES:
        categorie_model.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "est_assistant_social": est_as, "ordre": ordre}
        )
