"""Entry pages of Part II (II.1 grid, II.2–II.4). Views only wire request → scoping → form → save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, save_section, section_version
from caisses.saisie import saisie_context

from . import forms, grid_html, queries, redaction, services
from .grid import Grille
from .models import Circonscription, Etudiant, ItemSatisfaction

SAVED = "Les modifications de la section {} sont enregistrées."
CELLULES_REFUSEES = (
    "La page envoyée contient des cases que vous ne pouvez pas saisir ici : {}. Rien n'a été enregistré ; "
    "rechargez la page."
)
TEXTE_REFUSE = "le texte « Évolution dans la nature des activités »"
RIEN_ENREGISTRE = "Rien n'a été enregistré : {}. Les valeurs saisies sont conservées ci-dessous."


def _cases(count, adjectif):
    return f"{count} case{'s' if count > 1 else ''} {adjectif}{'s' if count > 1 else ''}"


def _grid_refusal(grille, text_ok):
    """« Rien n'a été enregistré : 3 cases à corriger » (and the narrative when it is refused too)."""
    parts = []
    if grille.a_corriger:
        count = grille.a_corriger
        parts.append(f"{count} case{'s' if count > 1 else ''} à corriger")
    if not text_ok:
        parts.append("le texte « Évolution dans la nature des activités » est à corriger")
    return RIEN_ENREGISTRE.format(" ; ".join(parts))


def _grid_saved(grille, text_changed):
    """What the save wrote: « … sont enregistrées. 3 cases modifiées. »"""
    count = grille.changed
    what = _cases(count, "modifiée") if count else "aucune case modifiée"
    if text_changed:
        what += ", texte « Évolution dans la nature des activités » modifié"
    return f"{SAVED.format('II.1')} {what[0].upper()}{what[1:]}."


def _save(request, rapport, section, write, saved=None):
    """save_section with the page's version; returns the refusal (bad or stale version, rows changed) or None."""
    try:
        save_section(rapport, section, request.POST.get("version"), write)
    except ConflitDeVersion as refusal:  # VersionInvalide (400), a stale page or its rows (409)
        return refusal
    messages.success(request, saved or SAVED.format(section))
    return None


def _render(request, contract, section, template, conflit=None, status=200, **extra):
    version = section_version(contract.rapport, section)
    if conflit is not None:
        status = conflit.status
        if conflit.current_version is not None:
            version = conflit.current_version
    context = saisie_context(
        contract, section, region_only=section != "II.1", version=version, conflit=conflit, **extra
    )
    context["modifiable"] = contract.region_editable
    return render(request, template, context, status=status)


def _evolution_form(request, contract, partie):
    """The II.1 narrative's form: bound when posted by someone who may change it."""
    if request.method == "POST" and contract.region_editable and "evolution_nature_activites" in request.POST:
        return forms.EvolutionForm(request.POST)
    return forms.EvolutionForm(initial={"evolution_nature_activites": partie.evolution_nature_activites})


@login_required
def saisie_ii1(request, code, annee):
    contract = contract_for(request, code, annee)
    rapport = contract.rapport
    grille = Grille(contract, request.GET.get("groupe") or request.POST.get("groupe"))
    partie = queries.partie_deux(rapport)
    texte = _evolution_form(request, contract, partie)
    conflit, status, refus = None, 200, ""
    if request.method == "POST":
        contract.require_edit()
        grid_ok = grille.bind(request.POST)
        if "evolution_nature_activites" in request.POST and not contract.region_editable:
            grille.refused[TEXTE_REFUSE] = True
        text_ok = not texte.is_bound or texte.is_valid()
        if grille.refused:
            refus = CELLULES_REFUSEES.format(grille.refused_names())
            status = 403 if grille.refused_forbidden else 400
        elif grid_ok and text_ok:
            units = grille.unit_by_key()
            text_changed = texte.is_bound and any(
                getattr(partie, name) != value for name, value in texte.cleaned_data.items()
            )

            def write(locked):
                services.write_valeurs(locked, grille.changes, units)
                if texte.is_bound:
                    services.write_partie_deux(locked, **texte.cleaned_data)

            conflit = _save(request, rapport, "II.1", write, _grid_saved(grille, text_changed))
            if conflit is None:
                suffix = f"?groupe={grille.groupe}" if grille.groupe else ""
                return redirect(request.path + suffix)
        else:
            # All or nothing: one refused cell and the save writes nothing, the page keeps what was typed.
            messages.error(request, _grid_refusal(grille, text_ok))
    signalements = grille.signalements()
    tableaux = grille.tableaux(signalements)
    # Only for who may write the narrative it is meant for; from the grid's own totals (no query).
    propositions = (
        redaction.paragraphes(rapport.exercice.annee, tableaux, grille.indicateurs) if contract.region_editable else []
    )
    return _render(
        request,
        contract,
        "II.1",
        "activites/saisie_ii1.html",
        conflit,
        status,
        grille=grille,
        tableaux=tableaux,
        propositions=propositions,
        signalements=signalements,
        liste_signalements=grid_html.liste_signalements(signalements),
        texte=texte,
        refus=refus,
        region_modifiable=contract.region_editable,
        rapport_n1=grille.rapport_n1,
    )


def _all_valid(page_forms):
    results = [form.is_valid() for form in page_forms.values()]  # every form, so each shows its errors
    return all(results)


def _rows_page(request, code, annee, section, template, build, write, is_valid=_all_valid, **extra):
    """A region-wide page of forms: `build(rapport, data)` → {name: form}, `write(locked, forms)`."""
    contract = contract_for(request, code, annee)
    rapport = contract.rapport
    conflit = None
    if request.method == "POST":
        contract.require_region_edit()
        page_forms = build(rapport, request.POST)
        if is_valid(page_forms):
            conflit = _save(request, rapport, section, lambda locked: write(locked, page_forms))
            if conflit is None:
                return redirect(request.path)
            # Rows as they are now, with what was typed over them: saving again goes through.
            page_forms = build(rapport, request.POST)
            for name, form in page_forms.items():
                if isinstance(form, forms.LignesDuRapport):
                    page_forms[name] = forms.rebased(form)
        else:
            messages.error(request, "Le formulaire contient des erreurs : corrigez les champs signalés.")
    else:
        page_forms = build(rapport, None)
    return _render(request, contract, section, template, conflit, **page_forms, **extra)


@login_required
def saisie_ii2(request, code, annee):
    def build(rapport, data):
        partie = queries.partie_deux(rapport)
        return {
            "lignes": forms.EtudiantFormSet(
                data, queryset=Etudiant.objects.filter(rapport_id=rapport.pk), prefix="etudiants"
            ),
            "texte": forms.EtudiantsTexteForm(data, initial={"etudiants_commentaire": partie.etudiants_commentaire}),
        }

    def write(locked, page_forms):
        lignes = page_forms["lignes"]
        services.write_etudiants(locked, forms.ordered_rows(lignes), lignes.posted_ids())
        services.write_partie_deux(locked, **page_forms["texte"].cleaned_data)

    return _rows_page(
        request,
        code,
        annee,
        "II.2",
        "activites/saisie_lignes.html",
        build,
        write,
        titre_lignes="Stagiaires accueillis",
        legende_lignes="Stagiaires accueillis : école, nombre, durée en semaines",
    )


@login_required
def saisie_ii3(request, code, annee):
    def build(rapport, data):
        partie = queries.partie_deux(rapport)
        return {
            "lignes": forms.CirconscriptionFormSet(
                data, queryset=Circonscription.objects.filter(rapport_id=rapport.pk), prefix="circonscriptions"
            ),
            "texte": forms.CoordinationTexteForm(
                data, initial={"coordination_commentaire": partie.coordination_commentaire}
            ),
        }

    def write(locked, page_forms):
        lignes = page_forms["lignes"]
        services.write_circonscriptions(locked, forms.ordered_rows(lignes), lignes.posted_ids())
        services.write_partie_deux(locked, **page_forms["texte"].cleaned_data)

    return _rows_page(
        request,
        code,
        annee,
        "II.3",
        "activites/saisie_lignes.html",
        build,
        write,
        titre_lignes="Circonscriptions",
        legende_lignes="Circonscriptions : nom, territoire, référent",
    )


def _survey_valid(page_forms):
    texte = page_forms["texte"]
    if not texte.is_valid():
        return False
    if not texte.cleaned_data["avec_enquete"]:
        return True
    return page_forms["enquete"].is_valid() and page_forms["items"].is_valid()


@login_required
def saisie_ii4(request, code, annee):
    def build(rapport, data):
        partie = queries.partie_deux(rapport)
        enquete = queries.enquete(rapport)
        items = enquete.items.all() if enquete else ItemSatisfaction.objects.none()
        return {
            "texte": forms.AutresActivitesForm(
                data, initial={"autres_activites": partie.autres_activites, "avec_enquete": enquete is not None}
            ),
            "enquete": forms.EnqueteForm(data, instance=enquete, prefix="enquete"),
            "items": forms.ItemFormSet(data, queryset=items, prefix="items"),
        }

    def write(locked, page_forms):
        data = dict(page_forms["texte"].cleaned_data)
        with_survey = data.pop("avec_enquete")
        services.write_partie_deux(locked, **data)
        if with_survey:
            enquete = {name: page_forms["enquete"].cleaned_data[name] for name in forms.EnqueteForm._meta.fields}
            items = page_forms["items"]
            services.write_enquete(locked, enquete, forms.ordered_rows(items), items.posted_ids())
        else:
            services.write_enquete(locked, None, [])

    return _rows_page(request, code, annee, "II.4", "activites/saisie_ii4.html", build, write, _survey_valid)
