"""The national view of an exercice (relecteurs and administrateurs): page, XLSX, CSV and synthesis PDF.

Anyone else gets a 404: the page's existence is for national staff only.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from caisses.models import Exercice, RapportAnnuel
from caisses.plan import SECTIONS
from caisses.scoping import can_review

from . import national, national_blocs, national_export, national_html, national_table, peers
from .pdf import html_to_pdf

ORDRES = (("asc", "croissant"), ("desc", "décroissant"))


class FiltreNational(forms.Form):
    """The page's filters and sort, read from the query string; a wrong value falls back to the default."""

    etat = forms.ChoiceField(
        label="État du rapport", required=False, choices=[("", "Tous les états"), *RapportAnnuel.Etat.choices]
    )
    retard = forms.BooleanField(label="En retard seulement", required=False)
    q = forms.CharField(label="Rechercher une caisse régionale", required=False, max_length=100)
    colonnes = forms.MultipleChoiceField(
        label="Colonnes affichées", required=False, choices=national_table.GROUPES, widget=forms.CheckboxSelectMultiple
    )
    tri = forms.CharField(required=False, widget=forms.HiddenInput)
    ordre = forms.ChoiceField(required=False, choices=ORDRES, widget=forms.HiddenInput)


def _synthese(request, annee):
    if not can_review(request.user):
        raise Http404("Page introuvable.")
    return national.synthese_nationale(annee)


def _selection(request, synthese):
    """(lignes filtered and sorted, the form, the sort column, descending?) from the query string."""
    form = FiltreNational(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    par_cle = {c.cle: c for c in national_table.colonnes(synthese.annee)}
    colonne = par_cle.get(data.get("tri") or "region", par_cle["region"])
    descendant = data.get("ordre") == "desc"
    lignes = national_table.filtrer(
        synthese.lignes, etat=data.get("etat", ""), retard=data.get("retard", False), recherche=data.get("q", "")
    )
    return national_table.trier(lignes, colonne, descendant), form, data, colonne, descendant


def _query(data, **changes):
    params = {key: value for key, value in {**data, **changes}.items() if value not in ("", None, False)}
    if params.get("retard") is True:
        params["retard"] = "on"
    return "?" + urlencode(params, doseq=True) if params else ""


def _entetes(data, colonnes, courante, descendant):
    """[(Colonne, sort link, aria-sort or "", next order label)] for the sortable column headers."""
    result = []
    for colonne in colonnes:
        is_current = colonne.cle == courante.cle
        ordre = "asc" if is_current and descendant else ("desc" if is_current else "asc")
        aria = ("descending" if descendant else "ascending") if is_current else ""
        result.append((colonne, _query(data, tri=colonne.cle, ordre=ordre), aria, dict(ORDRES)[ordre]))
    return result


@login_required
def national_view(request, annee):
    synthese = _synthese(request, annee)
    lignes, form, data, colonne, descendant = _selection(request, synthese)
    colonnes = national_table.visibles(annee, data.get("colonnes"))
    query = _query(data)
    lignes_pairs = peers.pairs(synthese.lignes)
    rows = [(ligne, [(c, c.cellule(ligne)) for c in colonnes]) for ligne in lignes]
    return render(
        request,
        "rapports/national.html",
        {
            "synthese": synthese,
            "exercice": synthese.exercice,
            "lignes": lignes,
            "lignes_html": national_html.lignes_html(rows, synthese),
            **_total_rows(synthese, colonnes),
            "entetes": _entetes(data, colonnes, colonne, descendant),
            "tri": colonne,
            "descendant": descendant,
            "form": form,
            "filtre_actif": bool(data.get("etat") or data.get("retard") or data.get("q") or data.get("colonnes")),
            "groupes_affiches": data.get("colonnes") or national_table.GROUPES_PAR_DEFAUT,
            "query": query,
            "sections": SECTIONS.values(),
            "totaux": national_blocs.tableau_totaux(synthese),
            "pairs": peers.resumes(lignes_pairs, lignes),
            "pairs_regions_html": national_html.pairs_regions_html(peers.par_region(lignes_pairs, lignes)),
            "completude_html": national_html.completude_html(lignes),
            "pairs_comptees": sum(1 for ligne in synthese.lignes if ligne.rapport.is_transmitted),
            "pairs_minimum": peers.MIN_REGIONS,
            "graphiques": national_blocs.graphiques(synthese, lignes),
            "graphiques_ratios": national_blocs.graphiques_ratios(synthese, lignes_pairs),
            "exercices": list(Exercice.objects.order_by("-annee").values_list("annee", flat=True)),
        },
    )


@login_required
def national_xlsx(request, annee):
    synthese = _synthese(request, annee)
    lignes = _selection(request, synthese)[0]
    response = HttpResponse(
        national_export.xlsx_bytes(synthese, lignes), content_type=national_export.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{national_export.xlsx_filename(annee)}"'
    return response


@login_required
def national_csv(request, annee):
    synthese = _synthese(request, annee)
    lignes = _selection(request, synthese)[0]
    response = HttpResponse(
        national_export.csv_text_content(synthese, lignes).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{national_export.csv_filename(annee)}"'
    return response


def _total_rows(synthese, colonnes):
    """France entière over the transmitted and validated reports, then over every region (drafts included)."""
    transmis = synthese.transmis_seulement()
    return {
        "synthese_transmis": transmis,
        "total_row_transmis": [(c, c.cellule_total(transmis)) for c in colonnes],
        "total_row": [(c, c.cellule_total(synthese)) for c in colonnes],
    }


def national_pdf_html(synthese, lignes):
    colonnes = [c for c in national_table.colonnes(synthese.annee) if c.sur_page]
    return render_to_string(
        "rapports/national_pdf.html",
        {
            "synthese": synthese,
            "exercice": synthese.exercice,
            "lignes": lignes,
            "colonnes": colonnes,
            "rows": [(ligne, [(c, c.cellule(ligne)) for c in colonnes]) for ligne in lignes],
            **_total_rows(synthese, colonnes),
            "sections": SECTIONS.values(),
            "totaux": national_blocs.tableau_totaux(synthese),
            "graphiques": national_blocs.graphiques(synthese, lignes),
            # The totals count every region: those whose report is not transmitted are named as provisional.
            "brouillons": [ligne for ligne in synthese.lignes if not ligne.rapport.is_transmitted],
        },
    )


def pdf_filename(annee):
    return f"synthese-nationale-{annee}.pdf"


@login_required
def national_pdf(request, annee):
    synthese = _synthese(request, annee)
    lignes = _selection(request, synthese)[0]
    response = HttpResponse(html_to_pdf(national_pdf_html(synthese, lignes)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(annee)}"'
    return response


@login_required
def national_tendances(request, annee):
    if not can_review(request.user):
        raise Http404("Page introuvable.")
    if not Exercice.objects.filter(annee=annee).exists():
        raise Http404("Exercice inconnu.")
    from . import national_tendances as tendances

    donnees = tendances.tendances(annee)
    choisi = tendances.chiffre(request.GET.get("chiffre", ""))
    return render(
        request,
        "rapports/national_tendances.html",
        {
            "annee": annee,
            "tendances": donnees,
            "chiffres": tendances.CHIFFRES,
            "choisi": choisi,
            "multiples": tendances.multiples(donnees, choisi),
            "tableau": tendances.tableau(donnees, choisi),
        },
    )
