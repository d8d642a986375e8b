"""The explanations' form, shared by the page « Explications des variations » and the block of each entry page."""

from django import forms

from caisses.limits import TEXTE


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
        """{cle: text} of the findings posted, as typed (stripped). A finding whose field was not posted at all
        keeps its text: only an emptied field erases one."""
        return {
            v.cle: self.cleaned_data.get(field_name(v.cle), "").strip() for v in found if field_name(v.cle) in self.data
        }
