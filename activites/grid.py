"""The entry grid of II.1: units in rows, indicators in columns, one table per group of the catalogue.

`Grille` is a form without Django's Form class (its fields depend on the catalogue and the units):
it parses the posted cells (French numbers) against each indicator's bound (caisses.limits), keeps what was
typed when anything is wrong, evaluates the rules on the accepted figures and says what to write. A save is
all or nothing: one refused cell (format, bound, a rule it breaks) and nothing is written. A posted cell the
page did not offer to this user (another unit, another region, an unknown or computed indicator) refuses the
whole save too.

Each finding is shown to the person looking as who can fix it: their own rows are errors « à corriger par
vous »; the region's row (and its totals) belongs to the responsable régional, another unit's row to that unit,
and both show to an agent as information, never as the agent's red error.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from caisses.numbers import NombreInvalide, kind_of, parse_nombre

from . import aggregation, grid_html, queries, rules

VOUS = "à corriger par vous"
RESPONSABLE = "à corriger par le responsable régional"


def _unit_ids(unite):
    return {
        "caisse_id": unite.pk if unite.kind == "caisse" else None,
        "site_id": unite.pk if unite.kind == "site" else None,
    }


def field_name(unite, code):
    return f"v-{unite.form_key}-{code}"


def cell_id(unite, code):
    return f"cellule-{unite.form_key}-{code}"


@dataclass(frozen=True)
class Signalement:
    """A finding of the grid as one viewer sees it: the message, who can fix it, and the cell it points at."""

    erreur: object  # rules.Erreur
    unite: str  # the unit's name ("Total de la région" for the totals)
    libelle: str  # the indicator's label
    qui: str  # « à corriger par vous », « à corriger par le responsable régional »…
    a_vous: bool  # the viewer can fix it; otherwise it is information for them
    ancre: str  # id of the cell
    groupe: str  # the catalogue group showing the cell

    @property
    def key(self):
        return self.erreur.key

    @property
    def message(self):
        return self.erreur.message

    @property
    def texte(self):
        """The message under a heading that already names the row (the summary list)."""
        return self.message.removeprefix(rules.TOTAL_PREFIX)

    @property
    def is_error(self):
        """Shown as an error (red) only to someone who can fix it."""
        return self.erreur.is_error and self.a_vous

    @property
    def style(self):
        if not self.a_vous:
            return "information"
        return "erreur" if self.erreur.is_error else "avertissement"

    @property
    def lien(self):
        """The cell in its group's page (grille.js focuses and highlights it)."""
        return lien_cellule(self.groupe, self.ancre)


def lien_cellule(groupe, ancre):
    return (f"?groupe={groupe}" if groupe else "") + f"#{ancre}"


@dataclass(slots=True)
class Cellule:
    unite: object
    spec: aggregation.Spec
    valeur: Decimal | None = None  # saved (or computed) value
    saisie: str | None = None  # what was typed, when re-showing a failed form
    n1: Decimal | None = None
    editable: bool = False
    erreurs: list | tuple = ()  # [Signalement], the cell's own refusal first
    vide: bool = False  # a ratio whose numerator and denominator are both missing: "—", not "non calculable"

    @property
    def id(self):
        return cell_id(self.unite, self.spec.code)

    @property
    def has_error(self):
        return any(e.is_error for e in self.erreurs)

    @property
    def signalee(self):
        """Some finding the viewer can act on (an information only is shown without the highlight)."""
        return any(e.a_vous for e in self.erreurs)

    @property
    def kind(self):
        """TAUX or NOMBRE: how its evolution reads (points or %), for the page and its script alike."""
        return kind_of(self.spec.unite_mesure, self.spec.is_ratio)

    @property
    def n1_brut(self):
        """N−1 unlocalised, for the page's script."""
        return "" if self.n1 is None else str(self.n1)

    @property
    def termes(self):
        return _termes(self.spec)


def _termes(spec):
    """Space-separated codes summed by a computed total (for the page's script)."""
    entry = aggregation.COMPUTED_TOTALS.get(spec.code)
    return " ".join(entry[2]) if entry else ""


@dataclass(frozen=True)
class Colonne:
    """An indicator's column: its header carries what grille.js needs for every cell of it."""

    spec: aggregation.Spec
    termes: str


@dataclass
class Tableau:
    code: str
    libelle: str
    colonnes: list  # [Colonne]
    lignes: list  # [(unite, [Cellule])]
    totaux: list  # [Cellule] of the region's totals (with n1)
    avec_n1: bool = False

    @cached_property
    def entetes_html(self):
        return grid_html.entetes(self.colonnes)

    @cached_property
    def lignes_html(self):
        return grid_html.lignes(self.colonnes, self.lignes, self.avec_n1)

    @cached_property
    def totaux_html(self):
        return grid_html.totaux(self.totaux, self.avec_n1)


TOTAL_UNIT = queries.Unite(rules.TOTAL, "total", None, "total", "Total de la région")


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
        self._units_by_key = {u.key: u for u in self.unites}
        self.valeurs = queries.valeurs_par_unite(rapport)
        self.rapport_n1 = queries.rapport_precedent(rapport)
        self.valeurs_n1 = queries.valeurs_par_unite(self.rapport_n1) if self.rapport_n1 else {}
        self.rules = queries.rule_specs()
        self.editable_keys = {u.key for u in self.unites if contract.may_edit_unit(**_unit_ids(u))}
        self.region_editable = contract.region_editable
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
        return rules.evaluate_rapport_values(
            values, self.indicateurs, self.rules, totals_niveau=totals_niveau, refuses=set(self.format_errors)
        )

    # --- who fixes what ---------------------------------------------------------------------------------------

    def qui_corrige(self, unit_key):
        """(wording, the viewer can fix it) for a finding on the row `unit_key` (REGION, TOTAL or a unit)."""
        if unit_key in (rules.REGION, rules.TOTAL):
            return (VOUS, True) if self.region_editable else (RESPONSABLE, False)
        unite = self._units_by_key.get(unit_key)
        nom = unite.nom if unite else unit_key
        if unit_key in self.editable_keys:
            return (f"à corriger par vous ou par « {nom} »", True) if self.region_editable else (VOUS, True)
        return f"à corriger par « {nom} » ou par le responsable régional", False

    def signalement(self, erreur):
        qui, a_vous = self.qui_corrige(erreur.unite)
        spec = self._spec_by_code.get(erreur.code)
        if erreur.unite == rules.TOTAL:
            unite, ancre = "Total de la région", cell_id(TOTAL_UNIT, erreur.code)
        else:
            found = self._units_by_key.get(erreur.unite)
            unite = found.nom if found else str(erreur.unite)
            ancre = cell_id(found, erreur.code) if found else ""
        return Signalement(
            erreur, unite, spec.libelle if spec else erreur.code, qui, a_vous, ancre, spec.groupe if spec else ""
        )

    def signalements(self):
        """Every finding of the report's grid (all groups), the cells refused by this save first."""
        refused = [
            self.signalement(rules.Erreur(unit, code, message)) for (unit, code), message in self.format_errors.items()
        ]
        found = [self.signalement(e) for e in self.errors]
        return refused + sorted(found, key=lambda s: (not s.a_vous, not s.erreur.is_error))

    @cached_property
    def _spec_by_code(self):
        return {s.code: s for s in self.specs + aggregation.computed_specs()}

    def tableaux(self, signalements=None):
        """The tables of the groups shown; `signalements` (this page's findings) saves computing them again."""
        values = self.merged()
        per_unit = aggregation.unit_figures(values, self.specs)
        totals = aggregation.aggregate(values, self.specs)
        totals_n1 = aggregation.aggregate(self.valeurs_n1, self.specs) if self.rapport_n1 else {}
        per_unit_n1 = aggregation.unit_figures(self.valeurs_n1, self.specs)
        cells_errors = rules.errors_by_cell(self.signalements() if signalements is None else signalements)
        all_specs = self.specs + aggregation.computed_specs()
        tableaux = []
        for code, libelle in self.groupes:
            if self.groupe and code != self.groupe:
                continue
            specs = [s for s in all_specs if s.groupe == code]
            specs.sort(key=lambda s: (s.nature == "ratio",))
            columns = [(spec, spec.code, spec.is_computed, spec.is_ratio) for spec in specs]
            lignes = []
            for unite in self.unites:
                key = unite.key
                figures, figures_n1 = per_unit.get(key, {}), per_unit_n1.get(key, {})
                entered = values.get(key, {})
                editable = key in self.editable_keys
                cells = [
                    Cellule(
                        unite,
                        spec,
                        valeur=figures.get(code),
                        n1=figures_n1.get(code),
                        editable=editable and not computed,
                        erreurs=cells_errors.get((key, code), ()),
                        vide=is_ratio and _both_missing(entered, spec),
                    )
                    for spec, code, computed, is_ratio in columns
                ]
                if editable and self.saisies:
                    for cell in cells:
                        if cell.editable:
                            cell.saisie = self.saisies.get(field_name(unite, cell.spec.code))
                lignes.append((unite, cells))
            totaux = [
                Cellule(
                    TOTAL_UNIT,
                    spec,
                    valeur=totals.get(spec.code),
                    n1=totals_n1.get(spec.code),
                    erreurs=cells_errors.get((rules.TOTAL, spec.code), []),
                )
                for spec in specs
            ]
            colonnes = [Colonne(spec, _termes(spec)) for spec in specs]
            tableaux.append(Tableau(code, libelle, colonnes, lignes, totaux, avec_n1=self.rapport_n1 is not None))
        return tableaux

    def merged(self):
        """The saved figures with the accepted changes; a refused cell counts as unknown (not its old value)."""
        values = {unit: dict(figures) for unit, figures in self.valeurs.items()}
        for (unit, code), value in self.changes.items():
            if value is None:
                values.get(unit, {}).pop(code, None)
            else:
                values.setdefault(unit, {})[code] = value
        for unit, code in self.format_errors:
            values.get(unit, {}).pop(code, None)
        return values

    @property
    def a_corriger(self):
        """The cells that refused this save: refused numbers and the cells of the rules the save would break."""
        return len({*self.format_errors, *(e.key for e in self.blocking)})

    # --- the POST --------------------------------------------------------------------------------------------

    def bind(self, data):
        """Read the posted cells; returns True when the changes may be written."""
        bounds = {i.code: i.bound for i in self.indicateurs}
        offered = {}
        specs = self.editable_specs()
        for unite in self.unites:
            for spec in specs:
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
        # A save may not add errors to the rows it changes; errors already there, on rows it does not touch or
        # on the totals (which need every unit's figures), do not block it: the transmission checks them.
        touched = {unit for unit, _code in self.changes} | {unit for unit, _code in self.format_errors}
        self.blocking = [
            e for e in self.errors if e.is_error and e.unite in touched and (e.key, e.message) not in before
        ]
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
        return self._units_by_key

    @property
    def changed(self):
        """How many cells the save writes."""
        return len(self.changes)
