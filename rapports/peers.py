"""Where each region stands among the others, ratio by ratio, on a robust scale.

The regions counted are those whose report is transmitted or validated (their figures are final); a region
whose report is a draft is placed among them but does not move them. For each ratio:
- median and quartiles by linear interpolation between the sorted values (« inclusive » method, Excel's
  QUARTILE.INC), so a reader can check them in a spreadsheet;
- rank 1 is the highest value; ties share the better rank; the quarter is ⌊4 × (rank − 1) / n⌋ + 1 (premier quart:
  the quarter of the regions with the highest values; « highest » is neither good nor bad by itself);
- a region is far from the others (« atypique ») when its modified z-score 0,6745 × |x − médiane| / MAD exceeds
  3,5 (Iglewicz and Hoaglin), MAD being the median absolute deviation. With a MAD of 0 (more than half of the
  regions share one value), any other value is far. Below MIN_REGIONS values nothing is flagged.
"""

import statistics
from dataclasses import dataclass
from decimal import Decimal

from caisses import numbers

MIN_REGIONS = 5
SEUIL = Decimal("3.5")
FACTEUR = Decimal("0.6745")
QUARTS = {1: "premier quart", 2: "deuxième quart", 3: "troisième quart", 4: "dernier quart"}


@dataclass(frozen=True)
class Ratio:
    cle: str
    libelle: str
    valeur: object  # national.Chiffres → Decimal | None
    pourcent: bool
    decimales: int = 1

    def texte(self, value):
        if self.pourcent:
            return numbers.format_pourcent(value, self.decimales)
        return numbers.format_nombre(value, self.decimales)


RATIOS = (
    Ratio("par_etp", "Personnes aidées par ETP d'assistant social", lambda c: c.personnes_par_etp, False),
    Ratio("formation", "Temps passé en formation", lambda c: c.taux_formation, True),
    Ratio("absenteisme", "Taux d'absentéisme", lambda c: c.taux_absenteisme, True),
    Ratio("collectif", "Part des personnes aidées collectivement", lambda c: c.part_collectif, True),
    Ratio("objectifs", "Taux d'objectifs totalement atteints", lambda c: c.taux_objectifs, True),
    Ratio("offre_service", "Taux de saisines suivies d'une offre de service", lambda c: c.taux_offre_service, True),
)


@dataclass(frozen=True)
class Repartition:
    """The spread of one ratio over the regions counted."""

    valeurs: tuple  # sorted, Decimal
    mediane: Decimal
    q1: Decimal
    q3: Decimal
    mad: Decimal

    @property
    def n(self):
        return len(self.valeurs)


def repartition(values):
    """The spread of the values present; None when there is none."""
    present = sorted(Decimal(v) for v in values if v is not None)
    if not present:
        return None
    mediane = statistics.median(present)
    if len(present) == 1:
        q1 = q3 = present[0]
    else:
        q1, _q2, q3 = statistics.quantiles(present, n=4, method="inclusive")
    mad = statistics.median(abs(v - mediane) for v in present)
    return Repartition(tuple(present), Decimal(mediane), Decimal(q1), Decimal(q3), Decimal(mad))


@dataclass(frozen=True)
class Position:
    rang: int
    sur: int  # regions counted (the region itself included, even when its report is a draft)
    quart: int
    score: Decimal | None  # modified z-score; None when not computed (too few regions)
    atypique: bool

    @property
    def quart_court(self):
        return QUARTS[self.quart]

    @property
    def quart_texte(self):
        return f"{QUARTS[self.quart]} des régions"

    @property
    def rang_texte(self):
        return f"{self.rang}{'re' if self.rang == 1 else 'e'} sur {self.sur}"


def position(value, rep, compte_dedans=True):
    """Where `value` stands in `rep`; `compte_dedans`: the value is one of those counted (else it is added)."""
    if value is None or rep is None:
        return None
    value = Decimal(value)
    sur = rep.n if compte_dedans else rep.n + 1
    rang = 1 + sum(1 for v in rep.valeurs if v > value)
    quart = 4 * (rang - 1) // sur + 1
    if rep.n < MIN_REGIONS:
        return Position(rang, sur, quart, None, False)
    ecart = abs(value - rep.mediane)
    if rep.mad == 0:
        return Position(rang, sur, quart, None, ecart != 0)
    score = FACTEUR * ecart / rep.mad
    return Position(rang, sur, quart, score, score > SEUIL)


@dataclass(frozen=True)
class LignePairs:
    ratio: Ratio
    repartition: Repartition | None
    positions: dict  # {region id: Position}

    def atypiques(self, lignes):
        return [ligne for ligne in lignes if (p := self.positions.get(ligne.region.pk)) and p.atypique]


def pairs(lignes):
    """[LignePairs] of the key ratios over `lignes` (national.LigneRegion: every region of an exercice), the regions
    counted being those whose report is transmitted or validated."""
    counted = [ligne for ligne in lignes if ligne.rapport.is_transmitted]
    result = []
    for ratio in RATIOS:
        rep = repartition(ratio.valeur(ligne.n) for ligne in counted)
        positions = {}
        for ligne in lignes:
            found = position(ratio.valeur(ligne.n), rep, compte_dedans=ligne.rapport.is_transmitted)
            if found is not None:
                positions[ligne.region.pk] = found
        result.append(LignePairs(ratio, rep, positions))
    return result


@dataclass(frozen=True)
class Resume:
    """One ratio's line of the national page: its spread in French and the regions far from the others."""

    libelle: str
    n: int
    mediane: str
    q1: str
    q3: str
    atypiques: list  # [(region name, value text)]


def resumes(lignes_pairs, lignes):
    result = []
    for ligne_pairs in lignes_pairs:
        ratio, rep = ligne_pairs.ratio, ligne_pairs.repartition
        result.append(
            Resume(
                libelle=ratio.libelle,
                n=rep.n if rep else 0,
                mediane=ratio.texte(rep.mediane if rep else None),
                q1=ratio.texte(rep.q1 if rep else None),
                q3=ratio.texte(rep.q3 if rep else None),
                atypiques=[
                    (ligne.region.nom, ratio.texte(ratio.valeur(ligne.n))) for ligne in ligne_pairs.atypiques(lignes)
                ],
            )
        )
    return result


def par_region(lignes_pairs, lignes):
    """[(LigneRegion, [(Ratio, value text, Position | None)])] in the order of `lignes`."""
    return [
        (
            ligne,
            [
                (lp.ratio, lp.ratio.texte(lp.ratio.valeur(ligne.n)), lp.positions.get(ligne.region.pk))
                for lp in lignes_pairs
            ],
        )
        for ligne in lignes
    ]


def de_la_region(rapport):
    """[(Ratio, value text, Position | None)] of the region of `rapport` among the regions that exercice."""
    from .national import regions_de_l_exercice

    toutes = regions_de_l_exercice(rapport.exercice)
    lignes = [ligne for ligne in toutes if ligne.region.pk == rapport.caisse_id]
    if not lignes:
        return []
    return par_region(pairs(toutes), lignes)[0][1]
