"""Pages of the report's life: transmission page, transitions, archives, history, reviewers' comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from caisses.checks import validate_rapport
from caisses.contract import contract_of
from caisses.models import RapportAnnuel
from caisses.plan import PLAN, SECTION_HISTORY, SECTIONS
from caisses.scoping import can_review, get_rapport, require_review

from . import freeze, lifecycle, queries
from .audit import section_code, section_history, section_slug
from .forms_cycle import CommentaireForm, MotifForm
from .models import ArchivePDF, Commentaire, Transition

Action = Transition.Action

SUCCES = {
    Action.TRANSMETTRE: "Le rapport a été transmis à la caisse nationale. Le PDF transmis est archivé.",
    Action.RENVOYER: "Le rapport a été renvoyé à la région pour correction.",
    Action.VALIDER: "Le rapport a été validé.",
    Action.ROUVRIR: "Le rapport a été rouvert : il est de nouveau en brouillon.",
}


def _transmission_page(request, rapport, *, refus=None, forms=None, status=200):
    user = request.user
    actions = lifecycle.available_actions(user, rapport)
    forms = forms or {}
    errors, warnings = ([], [])
    if refus is not None and (refus.errors or refus.warnings):
        errors, warnings = refus.errors, refus.warnings
    elif lifecycle.state_allows(Action.TRANSMETTRE, rapport.etat):
        errors, warnings = validate_rapport(rapport)
    context = {
        "rapport": rapport,
        "transitions": list(queries.transitions_of(rapport)),
        "archives": list(queries.archives_of(rapport)),
        "commentaires": list(queries.commentaires_of(rapport)),
        "actions": actions,
        "erreurs": errors,
        "avertissements": warnings,
        "avertissements_coches": set(request.POST.getlist("avertissements")),
        "refus": refus,
        "motif_forms": {
            action: forms.get(action) or MotifForm(auto_id=f"id_%s_{action}")
            for action in (Action.RENVOYER, Action.ROUVRIR)
            if action in actions
        },
        "commentaire_form": forms.get("commentaire") or CommentaireForm(),
        "peut_commenter": can_review(user),
        "peut_importer": contract_of(user, rapport).region_editable,
        "historiques": [
            (partie, [(s, section_slug(s.code)) for s in partie.sections if s.code in SECTION_HISTORY])
            for partie in PLAN
        ],
    }
    return render(request, "rapports/transmission.html", context, status=status)


@login_required
@require_GET
def transmission(request, code, annee):
    rapport = get_rapport(request.user, code, annee)
    return _transmission_page(request, rapport)


def _transition_view(action):
    @login_required
    @require_POST
    def view(request, code, annee):
        rapport = get_rapport(request.user, code, annee)
        lifecycle.require_action(request.user, rapport, action)
        motif = ""
        if lifecycle.REGLES[action].motif_requis:
            form = MotifForm(request.POST, auto_id=f"id_%s_{action}")
            if not form.is_valid():
                refus = lifecycle.TransitionRefusee("Le motif est obligatoire.")
                return _transmission_page(request, rapport, refus=refus, forms={action: form}, status=422)
            motif = form.cleaned_data["motif"]
        try:
            lifecycle.perform(
                request.user, rapport, action, motif=motif, avertissements=request.POST.getlist("avertissements")
            )
        except lifecycle.TransitionRefusee as refus:
            rapport.refresh_from_db(fields=["etat"])
            return _transmission_page(request, rapport, refus=refus, status=refus.status)
        messages.success(request, SUCCES[action])
        return redirect("rapport_transmission", code=rapport.caisse.code, annee=rapport.exercice.annee)

    view.__name__ = f"rapport_{action}"
    return view


transmettre = _transition_view(Action.TRANSMETTRE)
renvoyer = _transition_view(Action.RENVOYER)
valider = _transition_view(Action.VALIDER)
rouvrir = _transition_view(Action.ROUVRIR)


@login_required
@require_GET
def archive(request, code, annee, numero):
    rapport = get_rapport(request.user, code, annee)
    archive = get_object_or_404(ArchivePDF, rapport_id=rapport.pk, numero=numero)
    return FileResponse(
        archive.fichier.open("rb"),
        as_attachment=True,
        filename=freeze.archive_filename(rapport, archive.numero),
        content_type="application/pdf",
    )


@login_required
@require_POST
def commenter(request, code, annee):
    rapport = get_rapport(request.user, code, annee)
    require_review(request.user)
    form = CommentaireForm(request.POST)
    if not form.is_valid():
        return _transmission_page(request, rapport, forms={"commentaire": form}, status=422)
    if rapport.pk is None:
        # A comment on a report nobody has started yet: the report row is created with it.
        rapport, _ = RapportAnnuel.objects.get_or_create(caisse=rapport.caisse, exercice=rapport.exercice)
    Commentaire.objects.create(
        rapport=rapport, section=form.cleaned_data["section"], auteur=request.user, texte=form.cleaned_data["texte"]
    )
    messages.success(request, "Votre commentaire est enregistré ; la région le voit sur sa page d'accueil.")
    return redirect("rapport_transmission", code=rapport.caisse.code, annee=rapport.exercice.annee)


@login_required
@require_GET
def historique(request, code, annee, section):
    rapport = get_rapport(request.user, code, annee)
    code_section = section_code(section)
    if code_section not in SECTIONS:
        raise Http404("Section inconnue.")
    return render(
        request,
        "rapports/historique.html",
        {
            "rapport": rapport,
            "section": SECTIONS[code_section],
            "evenements": section_history(rapport, code_section),
            "suivi": code_section in SECTION_HISTORY,
        },
    )
