"""Entry pages of Part I (I.1 to I.4): request → entry contract → forms → save_section → response.

What the user may change comes from the request's entry contract (caisses.contract) and nothing else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caisses.contract import contract_for
from caisses.guard import ConflitDeVersion, VersionInvalide, parse_version, save_section, section_version
from caisses.models import Caisse
from caisses.saisie import saisie_context

from . import forms, queries, reprise, services
from .models import (
    Absence,
    Affectation,
    Boursier,
    Convention,
    Effectif,
    Formation,
    Mouvement,
    Reunion,
    ReunionAutreService,
)


class Page:
    """One section's page. Subclasses say which formsets it has and how a valid POST is written."""

    section = ""
    template = ""
    region_only = True  # the section holds no unit rows: only the region's users change it

    def __init__(self, request, contract):
        self.request, self.contract, self.rapport = request, contract, contract.rapport
        self.context = saisie_context(contract, self.section, region_only=self.region_only)
        self.data = queries.partie_1_data(self.rapport)
        self.region_editable = contract.region_editable

    @property
    def editable(self):
        """May this user change anything on this page (the region-wide data by default)."""
        return self.region_editable

    def forms(self, data=None):
        raise NotImplementedError

    def write(self, forms, rapport):
        raise NotImplementedError

    def warnings(self):
        return []

    def render(self, forms, version, status=200, conflict=False):
        context = {
            **self.context,
            **forms,
            "p1": self.data,
            "version": version,
            "conflit": conflict,
            "page_modifiable": self.editable,
            "avertissements": self.warnings(),
            # Offered on a plain look at the page only: a refused save keeps what was typed, which a copy would lose.
            "reprise": reprise.offre(self.contract, self.section, self.data) if self.request.method == "GET" else None,
        }
        return render(self.request, self.template, context, status=status)


def _as_id(row, field):
    """A form row's chosen pk (a string) → the model's `<field>_id`."""
    row = dict(row)
    row[f"{field}_id"] = int(row.pop(field))
    return row


def _choices(items, key=lambda o: str(o.pk), label=str):
    return [(key(o), label(o)) for o in items]


class PageI1(Page):
    section = "I.1"
    template = "effectifs/saisie_i1.html"
    region_only = False

    def __init__(self, request, contract):
        super().__init__(request, contract)
        self.units = self._units()
        self.own_units = {
            code: unit
            for code, unit in self.units.items()
            if contract.may_edit_unit(caisse_id=unit[1], site_id=unit[2])
        }

    @property
    def editable(self):
        """An agent de saisie may change its own unit's assignments on this page."""
        return self.region_editable or bool(self.own_units)

    def _units(self):
        """{code: (label, caisse_primaire_id, site_id)} of the region's units."""
        cpams = Caisse.objects.primaires().of_region(self.rapport.caisse)
        units = {c.code: (c.nom, c.pk, None) for c in cpams}
        for site in self.data.sites:
            units[site.code] = (f"{site.nom} ({site.caisse.code})", None, site.pk)
        return units

    def _own(self, affectation):
        return self.contract.may_edit_unit(caisse_id=affectation.caisse_primaire_id, site_id=affectation.site_id)

    def forms(self, data=None):
        p1, region = self.data, self.region_editable
        categories = _choices(p1.categories)
        effectifs = forms.row_formset(
            forms.EffectifForm,
            "effectifs",
            data if region else None,
            initial=[
                {
                    "categorie": ligne.categorie.pk,
                    "theorique_effectif": ligne.theorique_effectif,
                    "theorique_etp": ligne.theorique_etp,
                    "reel_effectif": ligne.reel_effectif,
                    "reel_etp": ligne.reel_etp,
                    "age_moyen": ligne.age_moyen,
                }
                for ligne in p1.lignes
            ],
            fixed=("categorie", "catégorie"),
            disabled=not region,
        )
        for row, ligne in zip(effectifs.forms, p1.lignes, strict=False):
            row.row_label = ligne.categorie.libelle
        mine = [a for a in p1.affectations if self._own(a)] if self.editable else []
        return {
            "effectifs": effectifs,
            "affectations": forms.row_formset(
                forms.AffectationForm,
                "affectations",
                data if self.editable else None,
                initial=[{"unite": a.unite.code, "categorie": str(a.categorie_id), "etp": a.etp} for a in mine],
                choices={"unite": [(code, unit[0]) for code, unit in self.own_units.items()], "categorie": categories},
                disabled=not self.editable,
            ),
            "affectations_autres": [a for a in p1.affectations if a not in mine],
            "mouvements": forms.row_formset(
                forms.MouvementForm,
                "mouvements",
                data if region else None,
                initial=[
                    {"categorie": str(m.categorie_id), "type": m.type, "motif": m.motif, "nombre": m.nombre}
                    for m in p1.mouvements
                ],
                choices={"categorie": categories},
                disabled=not region,
            ),
            "absences": forms.row_formset(
                forms.AbsenceForm,
                "absences",
                data if region else None,
                initial=[{"motif": a.motif, "jours": a.jours} for a in p1.absences],
                disabled=not region,
            ),
            "boursiers": forms.row_formset(
                forms.BoursierForm,
                "boursiers",
                data if region else None,
                initial=[{"nombre": b.nombre, "ecole": b.ecole, "annee_etudes": b.annee_etudes} for b in p1.boursiers],
                disabled=not region,
            ),
        }

    def write(self, bound, rapport):
        own_caisses = [unit[1] for unit in self.own_units.values() if unit[1]]
        own_sites = [unit[2] for unit in self.own_units.values() if unit[2]]
        own = Q(caisse_primaire_id__in=own_caisses) | Q(site_id__in=own_sites)
        rows = []
        for row in forms.rows_of(bound["affectations"]):
            _label, cid, sid = self.own_units[row["unite"]]
            rows.append(
                {"caisse_primaire_id": cid, "site_id": sid, "categorie_id": int(row["categorie"]), "etp": row["etp"]}
            )
        services.sync_rows(Affectation.objects.filter(own, rapport=rapport), Affectation, rows, rapport=rapport)
        if not self.region_editable:
            return
        effectifs = [_as_id(row, "categorie") for row in forms.rows_of(bound["effectifs"])]
        services.sync_rows(Effectif.objects.filter(rapport_id=rapport.pk), Effectif, effectifs, rapport=rapport)
        mouvements = [_as_id(row, "categorie") for row in forms.rows_of(bound["mouvements"])]
        services.sync_rows(Mouvement.objects.filter(rapport_id=rapport.pk), Mouvement, mouvements, rapport=rapport)
        for model, key in ((Absence, "absences"), (Boursier, "boursiers")):
            services.sync_rows(
                model.objects.filter(rapport_id=rapport.pk), model, forms.rows_of(bound[key]), rapport=rapport
            )

    def warnings(self):
        return self.data.avertissements_i1()


class PageI2(Page):
    section = "I.2"
    template = "effectifs/saisie_i2.html"
    region_only = False

    def __init__(self, request, contract):
        super().__init__(request, contract)
        self.own_sites = [site for site in self.data.sites if contract.may_edit_unit(site_id=site.pk)]

    @property
    def editable(self):
        """An agent de saisie may describe the premises of its own sites on this page."""
        return self.region_editable or bool(self.own_sites)

    def forms(self, data=None):
        p1, region = self.data, self.region_editable
        inst = p1.installation
        installation = forms.InstallationForm(
            data if region else None,
            prefix="installation",
            initial={name: getattr(inst, name) for name in forms.InstallationForm.base_fields},
        )
        if not region:
            installation.set_disabled()
        cpams = [(str(c.pk), c.nom) for c in self._cpams()]
        locaux = forms.row_formset(
            forms.LocauxForm,
            "locaux",
            data if self.own_sites else None,
            initial=[
                {"site": str(site.pk), "etat_locaux": p1.etats_locaux.get(site.pk, "")} for site in self.own_sites
            ],
            fixed=("site", "site"),
        )
        by_site = {}
        for row, site in zip(locaux.forms, self.own_sites, strict=False):
            row.row_label = f"État des locaux en {self.rapport.exercice.annee} : {site.nom}"
            by_site[site.pk] = row
        return {
            "installation": installation,
            "locaux": locaux,
            # One table: each site with its text, or the form of its text where the user describes it.
            "lignes_locaux": [(site, texte, by_site.get(site.pk)) for site, texte in p1.sites_et_locaux],
            "conventions": forms.row_formset(
                forms.ConventionForm,
                "conventions",
                data if region else None,
                initial=[
                    {
                        "caisse_primaire": str(c.caisse_primaire_id),
                        "date_signature": c.date_signature,
                        "objet": c.objet,
                        "montant_participation": c.montant_participation,
                    }
                    for c in p1.conventions
                ],
                choices={"caisse_primaire": cpams},
                disabled=not region,
            ),
        }

    def _cpams(self):
        return Caisse.objects.primaires().of_region(self.rapport.caisse).order_by("code")

    def write(self, bound, rapport):
        if bound["locaux"].is_bound:
            own = {str(site.pk): site.pk for site in self.own_sites}
            etats = {own[row["site"]]: row["etat_locaux"] for row in forms.rows_of(bound["locaux"])}
            services.save_etats_locaux(rapport, etats)
        if not self.region_editable:
            return
        services.save_installation(rapport, bound["installation"].cleaned_data)
        rows = [_as_id(row, "caisse_primaire") for row in forms.rows_of(bound["conventions"])]
        services.sync_rows(Convention.objects.filter(rapport_id=rapport.pk), Convention, rows, rapport=rapport)


class PageI3(Page):
    section = "I.3"
    template = "effectifs/saisie_i3.html"

    def forms(self, data=None):
        return {
            "formations": forms.row_formset(
                forms.FormationForm,
                "formations",
                data if self.editable else None,
                initial=[
                    {
                        "nature": f.nature,
                        "intitule": f.intitule,
                        "organisme": f.organisme,
                        "participants": f.participants,
                        "jours": f.jours,
                    }
                    for f in self.data.formations
                ],
                disabled=not self.editable,
            )
        }

    def write(self, bound, rapport):
        rows = forms.rows_of(bound["formations"])
        services.sync_rows(Formation.objects.filter(rapport_id=rapport.pk), Formation, rows, rapport=rapport)


class PageI4(Page):
    section = "I.4"
    template = "effectifs/saisie_i4.html"

    def forms(self, data=None):
        p1, editable = self.data, self.editable
        return {
            "reunions": forms.row_formset(
                forms.ReunionForm,
                "reunions",
                data if editable else None,
                initial=[
                    {"niveau": r.niveau, "periodicite": r.periodicite, "nombre": r.nombre, "contenu": r.contenu}
                    for r in p1.reunions
                ],
                disabled=not editable,
            ),
            "reunions_autres_services": forms.row_formset(
                forms.ReunionAutreServiceForm,
                "autres",
                data if editable else None,
                initial=[
                    {"service": r.service, "objectifs": r.objectifs, "nombre": r.nombre}
                    for r in p1.reunions_autres_services
                ],
                disabled=not editable,
            ),
        }

    def write(self, bound, rapport):
        rows = forms.rows_of(bound["reunions"])
        services.sync_rows(Reunion.objects.filter(rapport_id=rapport.pk), Reunion, rows, rapport=rapport)
        rows = forms.rows_of(bound["reunions_autres_services"])
        services.sync_rows(
            ReunionAutreService.objects.filter(rapport_id=rapport.pk), ReunionAutreService, rows, rapport=rapport
        )


def _is_valid(bound):
    # Validate every form (no short-circuit) so that each one shows its errors.
    results = [form.is_valid() for form in bound.values() if getattr(form, "is_bound", False)]
    return all(results)


def section_view(page_class):
    @login_required
    def view(request, code, annee):
        contract = contract_for(request, code, annee)
        rapport = contract.rapport
        page = page_class(request, contract)
        if request.method != "POST":
            return page.render(page.forms(), section_version(rapport, page.section))
        if not page.editable:
            raise PermissionDenied(page.context["motif_lecture_seule"] or "Vous ne pouvez pas modifier cette section.")
        bound = page.forms(request.POST)
        version = request.POST.get("version", "")
        valid = _is_valid(bound)
        try:
            parse_version(version)
        except VersionInvalide as refused:
            # Checked before the figures, so that a page without its version never looks saveable as it is.
            messages.error(request, refused.message)
            return page.render(bound, section_version(rapport, page.section), status=refused.status)
        if not valid:
            messages.error(request, "Certaines valeurs sont à corriger : voyez les messages sous les champs concernés.")
            return page.render(bound, version)
        try:
            save_section(rapport, page.section, version, lambda locked: page.write(bound, locked))
        except ConflitDeVersion as conflict:  # VersionInvalide included: the figures typed are kept
            messages.error(request, conflict.message)
            return page.render(bound, conflict.current_version, status=conflict.status, conflict=True)
        messages.success(request, f"Section {page.section} enregistrée.")
        return redirect(request.path)

    view.__name__ = f"saisie_{page_class.section.replace('.', '').lower()}"
    return view


saisie_i1 = section_view(PageI1)
saisie_i2 = section_view(PageI2)
saisie_i3 = section_view(PageI3)
saisie_i4 = section_view(PageI4)


def reprise_view(page_class, reprendre):
    """POST only: « Reprendre l'exercice précédent » of the section (effectifs.reprise), then back to its page."""

    @login_required
    @require_POST
    def view(request, code, annee):
        contract = contract_for(request, code, annee)
        contract.require_region_edit()  # 403 with the reason: another role, a sent report, a closed exercice
        try:
            copie = reprendre(contract.rapport, request.POST.get("version"))
        except reprise.RepriseRefusee as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, copie.message)
        return redirect(f"saisie_{page_class.section.replace('.', '').lower()}", code=code, annee=annee)

    view.__name__ = f"reprise_{page_class.section.replace('.', '').lower()}"
    return view


reprise_i2 = reprise_view(PageI2, reprise.reprendre_i2)
reprise_i4 = reprise_view(PageI4, reprise.reprendre_i4)
