"""The page « Explications des variations »: each figure past its threshold from N−1, and the region's explanation.

Who may write: whoever may change the report's data now (the region's responsable, its agents, an admin), while
the report is brouillon or renvoyé in an open exercice; the relecteur and everyone else reads. The save goes
through the write guard (caisses.guard.save_section) under its own section version, « variations ».
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.checks import entry_url
from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, save_section, section_version
from caisses.limits import TEXTE
from caisses.saisie import saisie_context

from . import variations

SECTION = variations.SECTION


def field_name(cle):
    return "explication-" + cle.replace(":", "-")


class ExplicationsForm(forms.Form):
    """One text per finding; a field the page did not show (a tampered or stale name) is never read."""

    def __init__(self, found, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for variation in found:
            self.fields[field_name(variation.cle)] = forms.CharField(
                label=f"Explication — {variation.chiffre.libelle}",
                required=False,
                max_length=TEXTE,
                initial=variation.explication,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                error_messages={
                    "max_length": f"L'explication ne peut pas dépasser {TEXTE} caractères "
                    "(%(show_value)d saisis) : raccourcissez-la."
                },
            )

    def textes(self, found):
        """{cle: text} of the findings, as typed (stripped)."""
        return {v.cle: self.cleaned_data.get(field_name(v.cle), "").strip() for v in found}


def _lien(rapport, variation):
    """The entry page of the figure (the II.1 grid at its group)."""
    url = entry_url(rapport, variation.chiffre.section)
    if url and variation.chiffre.groupe:
        return f"{url}?groupe={variation.chiffre.groupe}"
    return url


@login_required
def explications(request, code, annee):
    contract = contract_for(request, code, annee)
    rapport = contract.rapport
    found = variations.variations_du_rapport(rapport)
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
                restantes = sum(1 for texte in textes.values() if not texte)
                suite = (
                    f" Il reste {restantes} variation{'s' if restantes > 1 else ''} à expliquer."
                    if restantes
                    else " Toutes les variations signalées sont expliquées."
                )
                messages.success(request, "Les explications des variations sont enregistrées." + suite)
                return redirect(request.path)
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
        modifiable=contract.editable,
        a_expliquer=sum(1 for v in found if not v.expliquee),
        annee_n1=rapport.exercice.annee - 1,
    )
    return render(request, "rapports/variations.html", context, status=status)
