"""The entry grid of II.1: units in rows, indicators in columns, one table per group of the catalogue.

`Grille` is a form without Django's Form class (its fields depend on the catalogue and the units):
it parses the posted cells (French numbers) against each indicator's bound (caisses.limits), keeps what was
typed when anything is wrong, evaluates the rules on the merged figures and says what to write. A posted cell
the page did not offer to this user (another unit, another region, an unknown or computed indicator) refuses
the whole save.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from caisses.numbers import format_nombre

from . import aggregation, queries, rules

_SPACES = re.compile(r"[\s\u00a0\u202f']")


class NombreInvalide(ValueError):
    pass


def parse_nombre(text, bound=None):
    """A French-typed number ("1 234", "12,5") → Decimal; "" → None; else NombreInvalide (French).

    With `bound` (caisses.limits.Bound), a number outside it, or with more decimals, is refused too.
    """
    text = _SPACES.sub("", text or "")
    if not text:
        return None
    text = text.replace(",", ".")
    if text.count(".") > 1 or not re.fullmatch(r"[-+]?\d*\.?\d+|[-+]?\d+\.", text):
        raise NombreInvalide("Saisissez un nombre (par exemple 1 234 ou 12,5).")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NombreInvalide("Saisissez un nombre (par exemple 1 234 ou 12,5).") from None
    error = bound.check(value) if bound is not None else ""
    if error:
        raise NombreInvalide(error)
    return value


def _unit_ids(unite):
    return {
        "caisse_id": unite.pk if unite.kind == "caisse" else None,
        "site_id": unite.pk if unite.kind == "site" else None,
    }


def field_name(unite, code):
    return f"v-{unite.form_key}-{code}"


def cell_id(unite, code):
    return f"cellule-{unite.form_key}-{code}"


@dataclass
class Cellule:
    unite: object
    spec: aggregation.Spec
    valeur: Decimal | None = None  # saved (or computed) value
    saisie: str | None = None  # what was typed, when re-showing a failed form
    n1: Decimal | None = None
    editable: bool = False
    erreurs: list = field(default_factory=list)  # [Erreur], blocking ones first
    vide: bool = False  # a ratio whose numerator and denominator are both missing: "—", not "non calculable"

    @property
    def name(self):
        return field_name(self.unite, self.spec.code)

    @property
    def id(self):
        return cell_id(self.unite, self.spec.code)

    @property
    def is_computed(self):
        return self.spec.is_computed

    @property
    def has_error(self):
        return any(e.is_error for e in self.erreurs)

    @property
    def texte_saisie(self):
        """The input's value: what was typed, else the saved figure French-style without grouping (12,5)."""
        if self.saisie is not None:
            return self.saisie
        if self.valeur is None:
            return ""
        decimals = max(0, -self.valeur.normalize().as_tuple().exponent)
        return format_nombre(self.valeur, decimals, grouped=False)

    @property
    def n1_brut(self):
        """N−1 unlocalised, for the page's script."""
        return "" if self.n1 is None else str(self.n1)

    @property
    def termes(self):
        """Space-separated codes summed by a computed total (for the page's script)."""
        entry = aggregation.COMPUTED_TOTALS.get(self.spec.code)
        return " ".join(entry[2]) if entry else ""


@dataclass
class Tableau:
    code: str
    libelle: str
    specs: list
    lignes: list  # [(unite, [Cellule])]
    totaux: list  # [Cellule] of the region's totals (with n1)


def _both_missing(figures, spec):
    return figures.get(spec.numerateur) is None and figures.get(spec.denominateur) is None


class Grille:
    def __init__(self, contract, groupe=None):
        rapport = self.rapport = contract.rapport
        annee = rapport.exercice.annee
        self.indicateurs = queries.catalogue(annee)
        self.specs = [aggregation.spec_of(i) for i in self.indicateurs]
        self.groupes = []
        for indicateur in self.indicateurs:
            if not self.groupes or self.groupes[-1][0] != indicateur.groupe.code:
                self.groupes.append((indicateur.groupe.code, indicateur.groupe.libelle))
        self.groupe = groupe if groupe in dict(self.groupes) else None
        self.unites = queries.unites_de(rapport.caisse)
        self.valeurs = queries.valeurs_par_unite(rapport)
        self.rapport_n1 = queries.rapport_precedent(rapport)
        self.valeurs_n1 = queries.valeurs_par_unite(self.rapport_n1) if self.rapport_n1 else {}
        self.rules = queries.rule_specs()
        self.editable_keys = {u.key for u in self.unites if contract.may_edit_unit(**_unit_ids(u))}
        self.saisies = {}  # field name → typed text (failed POST)
        self.refused = {}  # posted name the page did not offer → True when it is a cell of a unit not the user's
        self.format_errors = {}  # (unit key, code) → message
        self.changes = {}  # (unit key, code) → Decimal | None
        self.blocking = []
        self.errors = self._evaluate(self.valeurs)

    # --- what the page shows --------------------------------------------------------------------------------

    def shown_specs(self):
        return [s for s in self.specs if self.groupe is None or s.groupe == self.groupe]

    def editable_specs(self):
        return [s for s in self.shown_specs() if not s.is_computed]

    def _evaluate(self, values, totals_niveau=rules.AVERTISSEMENT):
        return rules.evaluate_rapport_values(values, self.indicateurs, self.rules, totals_niveau=totals_niveau)

    def tableaux(self):
        values = self.merged()
        per_unit = aggregation.unit_figures(values, self.specs)
        totals = aggregation.aggregate(values, self.specs)
        totals_n1 = aggregation.aggregate(self.valeurs_n1, self.specs) if self.rapport_n1 else {}
        per_unit_n1 = aggregation.unit_figures(self.valeurs_n1, self.specs)
        cells_errors = rules.errors_by_cell(self.errors)
        for (unit, code), message in self.format_errors.items():
            cells_errors.setdefault((unit, code), []).insert(0, rules.Erreur(unit, code, message))
        all_specs = self.specs + aggregation.computed_specs()
        tableaux = []
        for code, libelle in self.groupes:
            if self.groupe and code != self.groupe:
                continue
            specs = [s for s in all_specs if s.groupe == code]
            specs.sort(key=lambda s: (s.nature == "ratio",))
            lignes = []
            for unite in self.unites:
                cells = []
                for spec in specs:
                    cell = Cellule(
                        unite,
                        spec,
                        valeur=per_unit.get(unite.key, {}).get(spec.code),
                        n1=per_unit_n1.get(unite.key, {}).get(spec.code),
                        editable=unite.key in self.editable_keys and not spec.is_computed,
                        erreurs=cells_errors.get((unite.key, spec.code), []),
                        vide=spec.is_ratio and _both_missing(values.get(unite.key, {}), spec),
                    )
                    cell.saisie = self.saisies.get(cell.name)
                    cells.append(cell)
                lignes.append((unite, cells))
            total_unit = queries.Unite(rules.TOTAL, "total", None, "total", "Total de la région")
            totaux = [
                Cellule(
                    total_unit,
                    spec,
                    valeur=totals.get(spec.code),
                    n1=totals_n1.get(spec.code),
                    erreurs=cells_errors.get((rules.TOTAL, spec.code), []),
                )
                for spec in specs
            ]
            tableaux.append(Tableau(code, libelle, specs, lignes, totaux))
        return tableaux

    def merged(self):
        values = {unit: dict(figures) for unit, figures in self.valeurs.items()}
        for (unit, code), value in self.changes.items():
            if value is None:
                values.get(unit, {}).pop(code, None)
            else:
                values.setdefault(unit, {})[code] = value
        return values

    def other_errors(self):
        """Errors of cells not on this page (another group): listed above the grid."""
        shown = {s.code for s in self.shown_specs()}
        return [e for e in self.errors if e.code not in shown]

    # --- the POST --------------------------------------------------------------------------------------------

    def bind(self, data):
        """Read the posted cells; returns True when the changes may be written."""
        bounds = {i.code: i.bound for i in self.indicateurs}
        offered = {}
        for unite in self.unites:
            for spec in self.editable_specs():
                offered[field_name(unite, spec.code)] = (unite, spec)
        for name in data:
            if name.startswith("v-") and (name not in offered or offered[name][0].key not in self.editable_keys):
                self.refused[name] = name in offered
        for name, (unite, spec) in offered.items():
            if name not in data or unite.key not in self.editable_keys:
                continue
            raw = data.get(name, "")
            self.saisies[name] = raw
            try:
                value = parse_nombre(raw, bounds[spec.code])
            except NombreInvalide as error:
                self.format_errors[(unite.key, spec.code)] = str(error)
                continue
            if value != self.valeurs.get(unite.key, {}).get(spec.code):
                self.changes[(unite.key, spec.code)] = value
        before = {(e.key, e.message) for e in self.errors if e.is_error}
        self.errors = self._evaluate(self.merged())
        # A save may not add errors; errors already there (another group, another unit) do not block it.
        self.blocking = [e for e in self.errors if e.is_error and (e.key, e.message) not in before]
        return not self.refused and not self.format_errors and not self.blocking

    @property
    def refused_forbidden(self):
        """Some refused cell is a unit of this region the user may not change (403), not just unknown (400)."""
        return any(self.refused.values())

    def refused_names(self, limit=10):
        names = sorted(self.refused)
        shown = ", ".join(f"« {name[:80]} »" for name in names[:limit])
        return shown + (f" et {len(names) - limit} autre(s)" if len(names) > limit else "")

    def unit_by_key(self):
        return {u.key: u for u in self.unites}
