"""Part III, the region's own voice: its entry page, its state in the plan, its part of the interchange document,
its history and its demo text. Registered in RapportsConfig.ready(); nothing below the rapports app knows of it.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, save_section, section_version
from caisses.interchange import INVALID, expect_object, expect_text, join, register_part
from caisses.markdown import render_markdown
from caisses.models import Caisse, one_to_one_of
from caisses.plan import SECTION_HISTORY, SECTION_STATUS, SECTION_STATUS_MANY, EtatSection
from caisses.saisie import saisie_context

from .models import PartieTrois

SECTION = "III"
TEXT_MAX = PartieTrois.OBSERVATIONS_MAX


class ObservationsForm(forms.Form):
    observations = forms.CharField(
        label="Observations, commentaires, perspectives d'avenir",
        required=False,
        max_length=TEXT_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace"}),
        help_text=(
            "Texte libre au format Markdown : ## pour un titre, **gras**, *italique*, - pour une liste, "
            "[texte](https://adresse) pour un lien. Le HTML et les scripts sont retirés."
        ),
    )


# --- State in the plan -----------------------------------------------------------------------------------------


def _etat(text):
    return EtatSection.COMPLET if (text or "").strip() else EtatSection.VIDE


def observations_of(rapport):
    partie = one_to_one_of(rapport, "partie_trois") if rapport.pk else None
    return partie.observations if partie else ""


def etat_iii(rapport):
    return _etat(observations_of(rapport))


def etats_iii(rapports):
    ids = [rapport.pk for rapport in rapports]
    texts = dict(PartieTrois.objects.filter(rapport_id__in=ids).values_list("rapport_id", "observations"))
    return {pk: _etat(texts.get(pk)) for pk in ids}


# --- Interchange: partie_3 -------------------------------------------------------------------------------------


def validate_partie_3(data, path, ctx, errors):
    data = expect_object(data, path, errors, optional=("observations",))
    if data is INVALID:
        return INVALID
    if "observations" not in data:
        return {}
    text = expect_text(data["observations"], join(path, "observations"), errors, max_length=TEXT_MAX)
    return INVALID if text is INVALID else {"observations": text}


def write_observations(rapport, text):
    partie, _ = PartieTrois.objects.get_or_create(rapport=rapport)
    if partie.observations != text:
        partie.observations = text
        partie.save(update_fields=["observations"])


def write_partie_3(cleaned, ctx):
    if "observations" in cleaned:
        write_observations(ctx.rapport, cleaned["observations"])


def export_partie_3(rapport):
    text = PartieTrois.objects.filter(rapport_id=rapport.pk).values_list("observations", flat=True).first()
    return {"observations": text or ""}


# --- Entry page ------------------------------------------------------------------------------------------------


@login_required
def saisie_iii(request, code, annee):
    contract = contract_for(request, code, annee, select_related=("partie_trois",))
    rapport = contract.rapport
    saved = observations_of(rapport)
    form = ObservationsForm(initial={"observations": saved})
    apercu, conflit = None, None
    if request.method == "POST":
        contract.require_region_edit()
        form = ObservationsForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["observations"]
            if request.POST.get("action") == "apercu":
                apercu = render_markdown(text)
            else:
                try:
                    save_section(rapport, SECTION, request.POST.get("version"), lambda r: write_observations(r, text))
                except ConflitDeVersion as conflict:  # VersionInvalide included: the text typed is kept
                    conflit = conflict
                else:
                    messages.success(request, f"Les modifications de la section {SECTION} sont enregistrées.")
                    return redirect(request.path)
    version = conflit.current_version if conflit else section_version(rapport, SECTION)
    context = saisie_context(
        contract, SECTION, region_only=True, version=version, conflit=conflit, form=form, apercu=apercu
    )
    context["rendu"] = render_markdown(saved)
    context["modifiable"] = contract.region_editable
    return render(request, "rapports/saisie_iii.html", context, status=conflit.status if conflit else 200)


# --- Demo ------------------------------------------------------------------------------------------------------

DEMO_TEXT = """## Expériences de l'année

Mise en place d'une **permanence commune** avec la {cpam}.

## Perspectives

- renforcer l'offre de service aux assurés en arrêt de travail ;
- développer les actions collectives.
"""


def fill_partie_trois(regions, exercices, progress=None):
    """Idempotent: the demo text for every report of the demo that has none and whose region has a CPAM."""
    from caisses.models import RapportAnnuel

    first_cpam = {}
    for cpam in Caisse.objects.primaires().filter(parent__in=regions).order_by("code"):
        first_cpam.setdefault(cpam.parent_id, cpam)
    rapports = RapportAnnuel.objects.filter(caisse__in=regions, exercice__in=exercices, partie_trois__isnull=True)
    PartieTrois.objects.bulk_create(
        [
            PartieTrois(rapport=rapport, observations=DEMO_TEXT.format(cpam=first_cpam[rapport.caisse_id].nom))
            for rapport in rapports
            if rapport.caisse_id in first_cpam
        ],
        ignore_conflicts=True,
    )


def register():
    SECTION_STATUS[SECTION] = etat_iii
    SECTION_STATUS_MANY[SECTION] = etats_iii
    history = SECTION_HISTORY.setdefault(SECTION, [])
    if PartieTrois not in history:
        history.append(PartieTrois)
    register_part(
        "partie_3", validate=validate_partie_3, write=write_partie_3, export=export_partie_3, sections=(SECTION,)
    )
