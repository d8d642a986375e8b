"""Part I's findings for the transmission (caisses.checks.CHECKS), registered in EffectifsConfig.ready()."""

from caisses.checks import Constat

from . import formulas, queries


def check_partie_1(rapport):
    """I.1: counts ≥ 0 and ages in 18–70 (errors); réel vs théorique + mouvements, organigramme vs réel (warnings).

    Each finding points at its category's row of the I.1 effectifs formset (one row per category, in order).
    """
    p1 = queries.partie_1_data(rapport)
    row = {ligne.categorie.code: index for index, ligne in enumerate(p1.lignes)}

    def at(code, champ):
        return f"id_effectifs-{row[code]}-{champ}" if code in row else ""

    errors = []
    for index, ligne in enumerate(p1.lignes):
        if ligne.pk is None:
            continue
        values = {f: getattr(ligne, f) for f in ("theorique_effectif", "theorique_etp", "reel_effectif", "reel_etp")}
        values["age_moyen"] = ligne.age_moyen
        for regle in formulas.erreurs_effectif(values):
            message = f"{ligne.categorie.libelle} : {regle.message}"
            errors.append(Constat(message, "I.1", f"id_effectifs-{index}-{regle.champ}"))
    saisis = [ligne for ligne in p1.lignes if ligne.pk is not None]
    mouvements = formulas.avertissements_mouvements(
        [
            (ligne.categorie.libelle, ligne.categorie.code, ligne.theorique_effectif, ligne.reel_effectif)
            for ligne in saisis
        ],
        [(m.categorie.code, m.type, m.nombre) for m in p1.mouvements],
    )
    organigramme = formulas.avertissements_organigramme(
        [(ligne.categorie.libelle, ligne.categorie.code, ligne.reel_etp) for ligne in p1.lignes],
        [(a.categorie.code, a.etp) for a in p1.affectations],
    )
    warnings = [Constat(r.message, "I.1", at(r.champ, "reel_effectif")) for r in mouvements]
    warnings += [Constat(r.message, "I.1", at(r.champ, "reel_etp")) for r in organigramme]
    return errors, warnings
