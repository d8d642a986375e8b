"""The page « Explications des variations »: each figure past its threshold from N−1, and the region's explanation.

Who may write: whoever may change the report's data now (the region's responsable, its agents, an admin), while
the report is brouillon or renvoyé in an open exercice; the relecteur and everyone else reads. The save goes
through the write guard (caisses.guard.save_section) under its own section version, « variations ».
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.checks import entry_url
from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, save_section, section_version
from caisses.saisie import saisie_context

from . import variations
from .forms_variations import ExplicationsForm, field_name

SECTION = variations.SECTION


def _lien(rapport, variation):
    """The entry page of the figure (the II.1 grid at its group)."""
    url = entry_url(rapport, variation.chiffre.section)
    if url and variation.chiffre.groupe:
        return f"{url}?groupe={variation.chiffre.groupe}"
    return url


def _suite(found, textes, section):
    restantes = sum(1 for v in found if not textes.get(v.cle, v.explication))
    if not restantes:
        where = f"de la section {section}" if section else "signalées"
        return f" Toutes les variations {where} sont expliquées."
    return f" Il reste {restantes} variation{'s' if restantes > 1 else ''} à expliquer."


@login_required
def explications(request, code, annee):
    """The whole page; a POST naming a `section` (the block of an entry page) reads and writes that section's
    findings only and goes back to that page, so that the other sections' texts are never touched."""
    contract = contract_for(request, code, annee)
    rapport = contract.rapport
    found = variations.variations_du_rapport(rapport)
    section = request.POST.get("section", "") if request.method == "POST" else ""
    if section in variations.SECTIONS_DES_CHIFFRES:
        found = [v for v in found if variations.section_of(v.cle) == section]
    else:
        section = ""
    form = ExplicationsForm(found)
    conflit, status = None, 200
    if request.method == "POST":
        contract.require_edit()
        form = ExplicationsForm(found, request.POST)
        if not form.is_valid():
            status = 422
        else:
            textes = form.textes(found)
            try:
                save_section(
                    rapport, SECTION, request.POST.get("version"), lambda r: variations.write_explications(r, textes)
                )
            except ConflitDeVersion as conflict:  # VersionInvalide included: what was typed stays on the page
                conflit, status = conflict, conflict.status
            else:
                suite = _suite(found, textes, section)
                messages.success(request, "Les explications des variations sont enregistrées." + suite)
                back = entry_url(rapport, section) if section else ""
                return redirect(f"{back}#variations-section" if back else request.path)
    version = conflit.current_version if conflit else section_version(rapport, SECTION)
    lignes = [
        {"variation": v, "champ": form[field_name(v.cle)], "ancre": variations.ancre(v.cle), "lien": _lien(rapport, v)}
        for v in found
    ]
    context = saisie_context(
        contract,
        None,
        version=version,
        conflit=conflit,
        form=form,
        lignes=lignes,
        section_des_chiffres=section,
        modifiable=contract.editable,
        a_expliquer=sum(1 for v in found if not v.expliquee),
        annee_n1=rapport.exercice.annee - 1,
    )
    return render(request, "rapports/variations.html", context, status=status)
