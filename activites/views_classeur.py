"""« Travailler hors ligne » on II.1: download a workbook, upload it for a preview, apply the preview.

Download: whoever may read the page. Upload and apply: whoever may change some of the grid (`require_edit`, 403
with the reason on a sent report or a closed exercice); which cells each may change is the grid's own rule
(activites.grid.Grille), and the apply is the grid form's save: the same Grille, the same write, the same guard.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, save_section, section_version

from . import classeur, classeur_examen, queries, services
from .grid import Grille

SECTION = "II.1"
PAS_DE_FICHIER = "Choisissez le classeur (.xlsx) à envoyer."
APPLIQUE = "Le classeur est enregistré dans la section II.1 : {} modifiée{}."
REFUS_APPLICATION = (
    "Rien n'a été enregistré : l'aperçu n'est plus valable ({} case{} refusée{}). Envoyez à nouveau le classeur."
)
CATALOGUE_CHANGE = (
    "L'aperçu envoyé est incomplet, ou le catalogue des indicateurs a changé depuis : rien n'a été enregistré. "
    "Envoyez à nouveau le classeur."
)
TROP_DE_CASES = "L'aperçu envoyé contient trop de cases : rien n'a été enregistré."
VERSION_ANCIENNE = (
    "Ce classeur a été téléchargé avant un autre enregistrement de la section : seules les cases que vous avez "
    "modifiées dans le classeur sont reprises, les autres gardent les chiffres enregistrés depuis."
)


def _catalogue():
    return classeur.empreinte(queries.etats_inputs())


def _lignes(grille):
    groupes = dict(grille.groupes)
    bounds = {i.code: i.bound for i in grille.indicateurs}
    return [
        classeur.Ligne(s.code, s.libelle, s.unite_mesure, groupes.get(s.groupe, s.groupe), bounds[s.code])
        for s in grille.editable_specs()
    ]


def _limits(grille):
    """How far a genuine workbook of this report reaches (rows: groups and indicators; columns: two per unit)."""
    rows = classeur.FIRST_ROW + len(grille.groupes) + len(grille.editable_specs()) + 20
    cols = classeur.FIRST_COL + 2 * len(grille.unites) + 10
    return rows, cols


@login_required
def classeur_ii1(request, code, annee):
    contract = contract_for(request, code, annee)
    rapport = contract.rapport
    grille = Grille(contract)
    wanted = request.GET.get("unite") or classeur.TOUT
    if wanted == classeur.TOUT:
        unites, nom = grille.unites, "toutes les unités"
    else:
        unites = [u for u in grille.unites if u.form_key == wanted and not u.is_region]
        if not unites:
            raise Http404("Unité inconnue.")
        nom = unites[0].nom
    colonnes = [
        classeur.Colonne(
            u.form_key,
            u.nom,
            u.key in grille.editable_keys,
            grille.valeurs.get(u.key, {}),
            grille.valeurs_n1.get(u.key, {}),
        )
        for u in unites
    ]
    cle = classeur.Cle(rapport.caisse.code, annee, wanted, _catalogue(), section_version(rapport, SECTION))
    titre = f"II.1 Activités spécifiques — {rapport.caisse.nom} — exercice {annee} — {nom}"
    data = classeur.construire(cle, titre, _lignes(grille), colonnes, annee - 1)
    response = HttpResponse(data, content_type=classeur.CONTENT_TYPE)
    filename = re.sub(r"[^A-Za-z0-9_-]", "_", f"II1-{rapport.caisse.code}-{annee}-{wanted}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _page(request, contract, status=200, **context):
    rapport = contract.rapport
    context.update(rapport=rapport, region=rapport.caisse, exercice=rapport.exercice)
    return render(request, "activites/classeur_apercu.html", context, status=status)


@login_required
@require_POST
def classeur_ii1_envoi(request, code, annee):
    contract = contract_for(request, code, annee)
    contract.require_edit()
    fichier = request.FILES.get("classeur")
    if fichier is None:
        return _page(request, contract, 400, refus=PAS_DE_FICHIER)
    if fichier.size > classeur.MAX_BYTES:
        return _page(request, contract, 400, refus=classeur.TROP_GROS.format(classeur.MAX_BYTES // (1024 * 1024)))
    grille = Grille(contract)
    catalogue = _catalogue()
    try:
        lecture = classeur.lire(fichier.read(classeur.MAX_BYTES + 1), *_limits(grille))
        classeur_examen.verifier_cle(lecture.cle, contract.rapport, catalogue, grille)
    except classeur.ClasseurRefuse as refused:
        return _page(request, contract, refused.status, refus=str(refused))
    examen = classeur_examen.examiner(lecture, grille)
    version = section_version(contract.rapport, SECTION)
    return _page(
        request,
        contract,
        400 if examen.erreurs else 200,
        examen=examen,
        version=version,
        catalogue=catalogue,
        avertissement=VERSION_ANCIENNE if lecture.cle.version != version and examen.changements else "",
        rien_a_modifier=classeur_examen.RIEN_A_MODIFIER if examen.rien_a_modifier else "",
    )


def _pluriel(count):
    return "s" if count > 1 else ""


@login_required
@require_POST
def classeur_ii1_application(request, code, annee):
    contract = contract_for(request, code, annee)
    contract.require_edit()
    data = {name: value for name, value in request.POST.items() if name.startswith("v-")}
    grille = Grille(contract)
    if len(data) > len(grille.unites) * len(grille.specs):
        return _page(request, contract, 400, refus=TROP_DE_CASES)
    catalogue = _catalogue()
    if request.POST.get("catalogue") != catalogue:
        return _page(request, contract, 400, refus=CATALOGUE_CHANGE)
    # Never trusted: the preview's values are parsed, bounded and checked again as a grid form's post.
    ok = grille.bind(data)
    if not ok:
        count = len(grille.refused) + grille.a_corriger
        status = 403 if grille.refused_forbidden else 400
        return _page(request, contract, status, refus=REFUS_APPLICATION.format(count, *[_pluriel(count)] * 2))
    if not grille.changes:
        messages.info(request, classeur_examen.RIEN_A_MODIFIER)
        return redirect("saisie_ii1", code=code, annee=annee)
    units = grille.unit_by_key()
    try:
        save_section(
            contract.rapport,
            SECTION,
            request.POST.get("version"),
            lambda locked: services.write_valeurs(locked, grille.changes, units),
        )
    except ConflitDeVersion as conflit:  # a stale preview (409) or one without its version (400)
        # As the grid form does: the changes again, against the figures saved now, to apply from the new version.
        examen = classeur_examen.Examen(changements=classeur_examen.changements(grille))
        version = conflit.current_version if conflit.current_version is not None else 0
        return _page(
            request,
            contract,
            conflit.status,
            refus=conflit.message,
            examen=examen,
            version=version,
            catalogue=catalogue,
        )
    count = grille.changed
    messages.success(request, APPLIQUE.format(f"{count} case{_pluriel(count)}", _pluriel(count)))
    return redirect("saisie_ii1", code=code, annee=annee)
