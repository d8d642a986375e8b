"""The expected answer of every URL of the project for every role.

Each app adds its URLs here; tests/test_permission_matrix.py fails when a URL of the resolver is missing.
"""

from dataclasses import dataclass, field

from tests.factories import ROLES

LOGIN = 302  # anonymous users are sent to the login page


@dataclass
class Case:
    kwargs: object  # org → URL kwargs
    expected: dict
    method: str = "get"
    data: object = None  # org → POST data
    setup: object = None  # org → None, prepares the data this URL needs
    follow_ok: set = field(default_factory=set)


def statuses(default, **by_role):
    """A status per role: anonymous → login redirect unless said otherwise."""
    result = dict.fromkeys(ROLES, default)
    result["anonymous"] = LOGIN
    result.update(by_role)
    return result


def region_read(ok=200, **overrides):
    """Pages of one region's data, readable by its users and by national staff; others 404."""
    return statuses(
        404,
        administrateur=ok,
        relecteur=ok,
        responsable=ok,
        agent=ok,
        **overrides,
    )


def region(org):
    return {"code": org.region.code}


def rapport(org):
    return {"code": org.region.code, "annee": org.exercice.annee}


URL_CASES = {
    "home": Case(kwargs=lambda org: {}, expected=statuses(200)),
    "login": Case(kwargs=lambda org: {}, expected=statuses(302, anonymous=200)),
    "logout": Case(kwargs=lambda org: {}, expected=statuses(302, anonymous=302), method="post"),
    # Sign-in with the Assurance Maladie's provider: off in the suite's settings, so its pages do not exist;
    # the refusal page is open to everyone (tests/caisses/test_oidc.py covers OIDC on).
    "oidc_authentication_init": Case(kwargs=lambda org: {}, expected=statuses(404, anonymous=404)),
    "oidc_authentication_callback": Case(kwargs=lambda org: {}, expected=statuses(404, anonymous=404)),
    "oidc_logout": Case(kwargs=lambda org: {}, expected=statuses(404, anonymous=404), method="post"),
    "oidc_refus": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    # The accessibility declaration and the personal data page: public, linked from every footer.
    "accessibilite": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    "donnees_personnelles": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    "password_change": Case(kwargs=lambda org: {}, expected=statuses(200)),
    "password_change_done": Case(kwargs=lambda org: {}, expected=statuses(200)),
    # « Mot de passe oublié ? » and invitations: open to everyone (a wrong link says so with a 200 page).
    "password_reset": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    "password_reset_done": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    "password_reset_confirm": Case(
        kwargs=lambda org: {"uidb64": "MQ", "token": "aaaaaa-bbbbbb"}, expected=statuses(200, anonymous=200)
    ),
    "password_reset_complete": Case(kwargs=lambda org: {}, expected=statuses(200, anonymous=200)),
    "favicon": Case(kwargs=lambda org: {}, expected=statuses(302, anonymous=302)),
    # Django admin: staff only; non-staff users get the admin's login page (302).
    "admin:index": Case(kwargs=lambda org: {}, expected=statuses(302, administrateur=200)),
    "region_detail": Case(kwargs=region, expected=region_read()),
    "saisie": Case(kwargs=rapport, expected=region_read()),
    "rapport_detail": Case(kwargs=rapport, expected=region_read()),
    "rapport_pdf": Case(kwargs=rapport, expected=region_read()),
}


# The report's life (issue 6). Transitions need the report in the right state first.
def rapport_en_etat(etat):
    def setup(org):
        from caisses.models import RapportAnnuel

        RapportAnnuel.objects.update_or_create(caisse=org.region, exercice=org.exercice, defaults={"etat": etat})

    return setup


def rapport_archive(org):
    from django.core.files.base import ContentFile

    from caisses.models import RapportAnnuel
    from rapports.models import ArchivePDF, Transition

    rapport, _ = RapportAnnuel.objects.update_or_create(
        caisse=org.region, exercice=org.exercice, defaults={"etat": "transmis"}
    )
    transition = Transition.objects.create(
        rapport=rapport,
        action="transmettre",
        etat_avant="brouillon",
        etat_apres="transmis",
        auteur=org.user("responsable"),
    )
    archive = ArchivePDF(rapport=rapport, transition=transition, numero=1, sha256="0" * 64, taille=9)
    archive.fichier.save("matrice.pdf", ContentFile(b"%PDF-1.7\n"), save=True)


def review_action(ok=302):
    """A reviewer's action: relecteur and admin; the region's own users 403; everyone else 404."""
    return statuses(404, administrateur=ok, relecteur=ok, responsable=403, agent=403)


def commentaire_sur_i3(org):
    from caisses.models import RapportAnnuel
    from rapports.models import Commentaire

    rapport, _ = RapportAnnuel.objects.get_or_create(caisse=org.region, exercice=org.exercice)
    Commentaire.objects.create(rapport=rapport, section="I.3", auteur=org.user("relecteur"), texte="Jours ?")


def commentaire_pk(org):
    from rapports.models import Commentaire

    return Commentaire.objects.get(texte="Jours ?").pk


def motif(org):
    return {"motif": "Les effectifs de I.1 ne correspondent pas à l'organigramme."}


URL_CASES.update(
    {
        "rapport_transmission": Case(kwargs=rapport, expected=region_read()),
        # Already transmitted: the responsable and the admin pass the role check and meet the state (409);
        # a successful transmission is tested in tests/rapports/test_lifecycle_views.py.
        "rapport_transmettre": Case(
            kwargs=rapport,
            method="post",
            setup=rapport_en_etat("transmis"),
            expected=statuses(404, administrateur=409, responsable=409, relecteur=403, agent=403),
        ),
        "rapport_renvoyer": Case(
            kwargs=rapport, method="post", data=motif, setup=rapport_en_etat("transmis"), expected=review_action()
        ),
        "rapport_valider": Case(
            kwargs=rapport, method="post", setup=rapport_en_etat("transmis"), expected=review_action()
        ),
        "rapport_rouvrir": Case(
            kwargs=rapport,
            method="post",
            data=motif,
            setup=rapport_en_etat("valide"),
            expected=statuses(404, administrateur=302, relecteur=403, responsable=403, agent=403),
        ),
        "rapport_archive": Case(
            kwargs=lambda org: {**rapport(org), "numero": 1}, setup=rapport_archive, expected=region_read()
        ),
        "rapport_historique": Case(kwargs=lambda org: {**rapport(org), "section": "III"}, expected=region_read()),
        "rapport_import": Case(
            kwargs=rapport, expected=statuses(404, administrateur=200, responsable=200, relecteur=403, agent=403)
        ),
        "rapport_commenter": Case(
            kwargs=rapport,
            method="post",
            data=lambda org: {"section": "I.1", "texte": "Préciser les départs."},
            expected=review_action(),
        ),
        # The region's answer to a comment (issue 10): its responsable and the admin; a reviewer or an agent 403.
        "rapport_commentaire_traite": Case(
            kwargs=lambda org: {**rapport(org), "pk": commentaire_pk(org)},
            method="post",
            setup=commentaire_sur_i3,
            expected=statuses(404, administrateur=302, responsable=302, relecteur=403, agent=403),
        ),
    }
)


# Part I (issue 3): interchange export and the I.x entry pages.
URL_CASES.update(
    {
        "rapport_export_json": Case(kwargs=rapport, expected=region_read()),
        "saisie_i1": Case(kwargs=rapport, expected=region_read()),
        "saisie_i2": Case(kwargs=rapport, expected=region_read()),
        "saisie_i3": Case(kwargs=rapport, expected=region_read()),
        "saisie_i4": Case(kwargs=rapport, expected=region_read()),
    }
)


# Part II and Part III entry pages (issue 4); their POSTs per role are in tests/activites/test_views.py.
URL_CASES.update(
    {
        name: Case(kwargs=rapport, expected=region_read())
        for name in ("saisie_ii1", "saisie_ii2", "saisie_ii3", "saisie_ii4", "saisie_iii")
    }
)


# « Reprendre l'exercice précédent » (issue 12, item 2): POST only, for who may change the region's data; a
# page without its version is answered on the section's page (302, « rien n'a été copié »). Cases in
# tests/effectifs/test_reprise.py and tests/activites/test_reprise.py.
URL_CASES.update(
    {
        name: Case(
            kwargs=rapport,
            method="post",
            expected=statuses(404, administrateur=302, responsable=302, relecteur=403, agent=403),
        )
        for name in ("reprise_i2", "reprise_i4", "reprise_ii3")
    }
)


# The II.1 workbook (issue 12, item 3): downloaded by whoever reads the page; sent (POST) by whoever may change
# some of the grid: without a file the preview page answers 400. Cases in tests/activites/test_classeur.py.
URL_CASES.update(
    {
        "classeur_ii1": Case(kwargs=rapport, expected=region_read()),
        **{
            name: Case(
                kwargs=rapport,
                method="post",
                expected=statuses(404, administrateur=400, responsable=400, agent=400, relecteur=403),
            )
            for name in ("classeur_ii1_envoi", "classeur_ii1_application")
        },
    }
)


# The Part I workbooks: downloaded by whoever reads the page; sent by whoever may change the page (an agent: its
# unit's rows of I.1 and I.2 only): without a file, 400. Cases in tests/effectifs/test_classeur.py.
URL_CASES.update(
    {
        **{f"classeur_i{n}": Case(kwargs=rapport, expected=region_read()) for n in "1234"},
        **{
            f"classeur_i{n}_envoi": Case(
                kwargs=rapport,
                method="post",
                expected=statuses(404, administrateur=400, responsable=400, agent=agent, relecteur=403),
            )
            for n, agent in (("1", 400), ("2", 400), ("3", 403), ("4", 403))
        },
    }
)


# The national view (issue 6): relecteurs and admins only; for everyone else the page does not exist (404).
def national(org):
    return {"annee": org.exercice.annee}


URL_CASES.update(
    {
        name: Case(kwargs=national, expected=statuses(404, administrateur=200, relecteur=200))
        for name in ("national", "national_xlsx", "national_csv", "national_pdf", "national_tendances")
    }
)

# The data dictionary (issue 12): reference data, for every signed-in user (a user without a role too).
URL_CASES["dictionnaire"] = Case(kwargs=lambda org: {}, expected=statuses(200))

# Variations explained (issue 12): read by the region's users and national staff; its POSTs per role are in
# tests/rapports/test_variations_page.py.
URL_CASES.update({"rapport_variations": Case(kwargs=rapport, expected=region_read())})

# Django admin's model pages follow the admin's own permissions; only its index is in the matrix.
EXCLUDED_NAMESPACES = {"admin"}
INCLUDED_IN_EXCLUDED = {"admin:index"}
