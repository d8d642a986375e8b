"""The apps' layers point one way: caisses (the report aggregate, its write guard, the entry contract) at the
bottom, the parts (effectifs, activites) on it, rapports (assembly) on top. An import the other way fails here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("caisses", "effectifs", "activites", "rapports")
# What each app may import among the project's apps.
ALLOWED = {
    "caisses": set(),
    "effectifs": {"caisses"},
    "activites": {"caisses"},
    "rapports": {"caisses", "effectifs", "activites"},
}


def imported_apps(path):
    """The project apps a module imports, at any depth (function-level imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(APPS)


def modules_of(app):
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_the_layers_below(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app] - {app}) for path in modules_of(app)
    }
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def test_the_check_sees_an_import_the_wrong_way(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rapports.report import build_report\n")
    assert imported_apps(module) == {"rapports"}


@pytest.mark.parametrize("app", APPS)
def test_modules_stay_small(app):
    """About 400 lines at most per module (the design card), so each holds one responsibility."""
    long = {str(p.relative_to(ROOT)): n for p in modules_of(app) if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}
