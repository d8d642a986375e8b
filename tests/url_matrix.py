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
    "password_change": Case(kwargs=lambda org: {}, expected=statuses(200)),
    "password_change_done": Case(kwargs=lambda org: {}, expected=statuses(200)),
    # Django admin: staff only; non-staff users get the admin's login page (302).
    "admin:index": Case(kwargs=lambda org: {}, expected=statuses(302, administrateur=200)),
    "region_detail": Case(kwargs=region, expected=region_read()),
    "saisie": Case(kwargs=rapport, expected=region_read()),
    "rapport_detail": Case(kwargs=rapport, expected=region_read()),
    "rapport_pdf": Case(kwargs=rapport, expected=region_read()),
}

# Part I (issue 3): interchange export and the I.x entry pages.
URL_CASES.update(
    {
        "rapport_export_json": Case(kwargs=rapport, expected=region_read()),
    }
)


# Django admin's model pages follow the admin's own permissions; only its index is in the matrix.
EXCLUDED_NAMESPACES = {"admin"}
INCLUDED_IN_EXCLUDED = {"admin:index"}
