"""« Travailler hors ligne » on the Part I pages: download a workbook of the section, upload it for a preview.

Download: whoever may read the page. Upload: whoever may change the page (Page.editable, else 403 with the
reason). The workbook is just another way to produce the section form's POST: the preview binds the page's own
forms with it, and applying the preview posts that data to the section's page, whose guarded save checks it
all again and writes it with the version (409 if another save came in between). There is no other write path.
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caisses.classeurs import CONTENT_TYPE, MAX_BYTES, ClasseurRefuse, trop_gros
from caisses.contract import contract_for
from caisses.guard import section_version
from caisses.models import RapportAnnuel

from . import classeur, classeur_examen, queries
from .views import PageI1, PageI2, PageI3, PageI4

PAS_DE_FICHIER = "Choisissez le classeur (.xlsx) à envoyer."

# Per section: (sheet, key of the page's forms, who may change it: the region, whoever may edit the page, or
# whoever describes some sites). Sheet names: 31 characters at most, none of « : / ? * [ ] ».
TABLEAUX = {
    "I.1": [
        ("I.1 Effectifs", "effectifs", "region"),
        ("I.1 Affectations", "affectations", "page"),
        ("I.1 Mouvements", "mouvements", "region"),
        ("I.1 Absences", "absences", "region"),
        ("I.1 Boursiers", "boursiers", "region"),
    ],
    "I.2": [
        ("I.2 Installation", "installation", "region"),
        ("I.2 Locaux", "locaux", "sites"),
        ("I.2 Conventions", "conventions", "region"),
    ],
    "I.3": [("I.3 Formations", "formations", "page")],
    "I.4": [("I.4 Réunions", "reunions", "page"), ("I.4 Autres services", "reunions_autres_services", "page")],
}
PAGES = {"I.1": PageI1, "I.2": PageI2, "I.3": PageI3, "I.4": PageI4}


def _may(page, who):
    if who == "region":
        return page.region_editable
    if who == "sites":
        return bool(getattr(page, "own_sites", ()))
    return page.editable


def tableaux(page):
    """The tables of the page's workbook: those the user may change; all of them, locked, for a reader."""
    built = page.forms()
    result = []
    for feuille, key, who in TABLEAUX[page.section]:
        editable = page.editable and _may(page, who)
        if page.editable and not editable:
            continue  # an agent's workbook holds only its own tables
        result.append(classeur.decrire(feuille, key, built[key], editable))
    if page.section == "I.1" and result and result[0].cle_forms == "effectifs":
        _n1(page.rapport, result[0])
    return result


def _n1(rapport, tableau):
    """The previous exercice's effectifs of the region, for reference (grey, locked)."""
    previous = (
        RapportAnnuel.objects.filter(caisse=rapport.caisse, exercice__annee=rapport.exercice.annee - 1)
        .select_related("caisse", "exercice")
        .first()
    )
    tableau.annee_n1 = rapport.exercice.annee - 1
    if previous is None:
        return
    tableau.n1 = {
        str(ligne.categorie_id): {c.nom: getattr(ligne, c.nom, None) for c in tableau.colonnes}
        for ligne in queries.partie_1_data(previous).lignes
        if ligne.pk is not None
    }


def _slug(section):
    return section.replace(".", "").lower()


def download_view(section):
    @login_required
    def view(request, code, annee):
        contract = contract_for(request, code, annee)
        rapport = contract.rapport
        page = PAGES[section](request, contract)
        tables = tableaux(page)
        cle = classeur.Cle(
            rapport.caisse.code, annee, section, classeur.empreinte(tables), section_version(rapport, section)
        )
        titre = f"{rapport.caisse.nom} — exercice {annee}"
        response = HttpResponse(classeur.construire(cle, titre, tables), content_type=CONTENT_TYPE)
        filename = re.sub(r"[^A-Za-z0-9_-]", "_", f"{_slug(section).upper()}-{rapport.caisse.code}-{annee}")
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    view.__name__ = f"classeur_{_slug(section)}"
    return view


def _page(request, contract, section, status=200, **context):
    rapport = contract.rapport
    kwargs = {"code": rapport.caisse.code, "annee": rapport.exercice.annee}
    context.update(
        rapport=rapport,
        region=rapport.caisse,
        exercice=rapport.exercice,
        section_code=section,
        page_url=reverse(f"saisie_{_slug(section)}", kwargs=kwargs),
    )
    return render(request, "effectifs/classeur_apercu.html", context, status=status)


def upload_view(section):
    @login_required
    @require_POST
    def view(request, code, annee):
        contract = contract_for(request, code, annee)
        rapport = contract.rapport
        page = PAGES[section](request, contract)
        if not page.editable:
            raise PermissionDenied(page.context["motif_lecture_seule"] or "Vous ne pouvez pas modifier cette section.")
        fichier = request.FILES.get("classeur")
        if fichier is None:
            return _page(request, contract, section, 400, refus=PAS_DE_FICHIER)
        if fichier.size > MAX_BYTES:
            return _page(request, contract, section, 400, refus=trop_gros())
        tables = tableaux(page)
        version = section_version(rapport, section)
        try:
            lecture = classeur.lire(fichier.read(MAX_BYTES + 1), tables)
            classeur_examen.verifier_cle(lecture.cle, rapport, section, classeur.empreinte(tables), version)
        except ClasseurRefuse as refused:
            return _page(request, contract, section, refused.status, refus=str(refused))
        examen = classeur_examen.poster(lecture, tables, version)
        # Bound exactly as the section's save binds them: the same fields, bounds and rules.
        classeur_examen.examiner(examen, tables, page.forms(examen.data))
        return _page(
            request,
            contract,
            section,
            400 if examen.erreurs else 200,
            examen=examen,
            rien_a_modifier=classeur_examen.RIEN_A_MODIFIER if examen.rien_a_modifier else "",
        )

    view.__name__ = f"classeur_{_slug(section)}_envoi"
    return view


classeur_i1, classeur_i1_envoi = download_view("I.1"), upload_view("I.1")
classeur_i2, classeur_i2_envoi = download_view("I.2"), upload_view("I.2")
classeur_i3, classeur_i3_envoi = download_view("I.3"), upload_view("I.3")
classeur_i4, classeur_i4_envoi = download_view("I.4"), upload_view("I.4")
