"""Forms of the report's life: motif of a return or reopening, a reviewer's comment, an uploaded document."""

from django import forms

from caisses.plan import PLAN

from .interchange import MAX_BYTES, megabytes


class MotifForm(forms.Form):
    motif = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Indiquez le motif : il sera communiqué à la région."},
    )


def section_choices():
    return [(section.code, f"{section.code} — {section.titre}") for partie in PLAN for section in partie.sections]


class CommentaireForm(forms.Form):
    section = forms.ChoiceField(
        label="Section",
        choices=section_choices,
        error_messages={"required": "Choisissez la section commentée.", "invalid_choice": "Section inconnue."},
    )
    texte = forms.CharField(
        label="Commentaire",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Écrivez le commentaire."},
    )


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Document d'échange (JSON)",
        help_text="Le fichier JSON exporté depuis cette application ou un autre système (10 Mo au plus).",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_BYTES:
            raise forms.ValidationError(
                "Le fichier dépasse 10 Mo (%(taille)s Mo) : il ne peut pas être importé.",
                params={"taille": megabytes(document.size)},
            )
        return document
