"""Pages of the report's life: transmission page, transitions, archives, history, reviewers' comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from caisses.checks import entry_url, validate_rapport
from caisses.contract import contract_for, contract_of
from caisses.models import RapportAnnuel
from caisses.plan import PLAN, SECTION_HISTORY, SECTIONS
from caisses.scoping import can_review, get_rapport, require_review

from . import diff, freeze, lifecycle, queries, variations
from .audit import section_code, section_history, section_slug
from .forms_cycle import CommentaireForm, MotifForm
from .models import ArchivePDF, Commentaire, Transition
from .views_rapport import pdf_en_preparation

Action = Transition.Action

# What the page says after the redirect, naming the report (and the transmission's number, the PDF archived).
SUCCES = {
    Action.TRANSMETTRE: "Rapport {nom} transmis à la caisse nationale (transmission n° {numero}) ; le rapport "
    "transmis est figé et son PDF archivé.",
    Action.RENVOYER: "Rapport {nom} renvoyé à la région pour correction ; elle voit le motif sur sa page d'accueil.",
    Action.VALIDER: "Rapport {nom} validé (transmission n° {numero}).",
    Action.ROUVRIR: "Rapport {nom} rouvert : il est de nouveau en brouillon.",
}


def succes(rapport, action):
    numero = ArchivePDF.objects.filter(rapport_id=rapport.pk).order_by("-numero").values_list("numero", flat=True)
    nom = f"{rapport.caisse.code} {rapport.exercice.annee}"
    return SUCCES[action].format(nom=nom, numero=numero.first() or "—")


def _transmission_page(request, rapport, *, refus=None, forms=None, status=200):
    user = request.user
    actions = lifecycle.available_actions(user, rapport)
    forms = forms or {}
    errors, warnings = ([], [])
    # The figures past their variation threshold, with the region's explanations (rapports.variations).
    found = variations.variations_du_rapport(rapport)
    if refus is not None and (refus.errors or refus.warnings):
        errors, warnings = refus.errors, refus.warnings
    elif lifecycle.state_allows(Action.TRANSMETTRE, rapport.etat):
        errors, warnings = validate_rapport(rapport)
        errors = errors + variations.constats_transmission(rapport, found)
    context = {
        "rapport": rapport,
        "transitions": list(queries.transitions_of(rapport)),
        "archives": list(queries.archives_of(rapport)),
        "commentaires": list(queries.commentaires_of(rapport)),
        # What changed since the previous transmission: what a reviewer reads first.
        "comparaison": diff.derniere_comparaison(rapport) if rapport.is_transmitted else None,
        "actions": actions,
        "erreurs": errors,
        "avertissements": warnings,
        "avertissements_coches": set(request.POST.getlist("avertissements")),
        "refus": refus,
        "variations": found,
        "variations_a_expliquer": sum(1 for v in found if not v.expliquee),
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
        messages.success(request, succes(rapport, action))
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
    try:
        handle = freeze.open_archive(archive)
    except freeze.PdfEnPreparation as pending:
        return pdf_en_preparation(request, rapport, pending)
    return FileResponse(
        handle,
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
    messages.success(
        request,
        f"Votre commentaire sur la section {form.cleaned_data['section']} est enregistré ; la région le voit sur sa "
        "page d'accueil et sur la page de saisie de cette section.",
    )
    return redirect("rapport_transmission", code=rapport.caisse.code, annee=rapport.exercice.annee)


@login_required
@require_POST
def commentaire_traite(request, code, annee, pk):
    """The region says a reviewer's comment is dealt with: it leaves the region's home, the reviewer sees it treated."""
    contract = contract_for(request, code, annee)
    if not contract.region_rights:
        raise PermissionDenied("Seul le responsable régional indique qu'un commentaire est traité.")
    rapport = contract.rapport
    commentaire = get_object_or_404(Commentaire, pk=pk, rapport_id=rapport.pk)
    if not commentaire.traite:
        commentaire.traite, commentaire.traite_par, commentaire.traite_le = True, request.user, timezone.now()
        commentaire.save(update_fields=["traite", "traite_par", "traite_le"])
    messages.success(request, f"Le commentaire sur la section {commentaire.section} est marqué comme traité.")
    target = entry_url(rapport, commentaire.section) or reverse(
        "rapport_transmission", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee}
    )
    return redirect(f"{target}#commentaires-section")


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
