import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import ROLES
from tests.url_matrix import EXCLUDED_NAMESPACES, INCLUDED_IN_EXCLUDED, URL_CASES


def resolver_names(patterns=None, namespace=None):
    """Every URL name of the project, found by walking the resolver (so new URLs cannot be forgotten)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from resolver_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<sans nom: {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


def project_names():
    names = set()
    for name in resolver_names():
        top = name.split(":", 1)[0] if ":" in name else None
        if top in EXCLUDED_NAMESPACES and name not in INCLUDED_IN_EXCLUDED:
            continue
        names.add(name)
    return names


def test_every_url_of_the_resolver_is_in_the_matrix():
    missing = project_names() - set(URL_CASES)
    assert not missing, f"URLs absentes de tests/url_matrix.py : {sorted(missing)}"


def test_matrix_names_only_existing_urls():
    stale = set(URL_CASES) - project_names()
    assert not stale, f"URLs de la matrice qui n'existent plus : {sorted(stale)}"


def test_matrix_covers_every_role():
    for name, case in URL_CASES.items():
        assert set(case.expected) == set(ROLES), name


@pytest.mark.parametrize("name", sorted(URL_CASES))
@pytest.mark.parametrize("role", ROLES)
def test_status(org, client_for, name, role):
    case = URL_CASES[name]
    if case.setup:
        case.setup(org)
    url = reverse(name, kwargs=case.kwargs(org))
    client = client_for(org.user(role))
    data = case.data(org) if case.data else {}
    response = client.post(url, data) if case.method == "post" else client.get(url)
    assert response.status_code == case.expected[role], (
        f"{case.method.upper()} {url} en tant que {role} : {response.status_code}, attendu {case.expected[role]}"
    )
