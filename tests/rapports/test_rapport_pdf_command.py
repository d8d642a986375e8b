import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from caisses.models import RapportAnnuel


def test_one_report_to_a_file(org, tmp_path):
    target = tmp_path / "sortie.pdf"
    call_command("rapport_pdf", "CARSAT-T1", "2025", "-o", str(target))
    assert "CARSAT Test Un" in PdfReader(target).pages[0].extract_text()
    assert not RapportAnnuel.objects.exists()  # printing a report nobody wrote to does not create it


def test_every_region(org, tmp_path):
    folder = tmp_path / "pdf"
    call_command("rapport_pdf", "--all", "2025", "-o", str(folder), "--workers", "1")
    assert sorted(p.name for p in folder.iterdir()) == ["rapport-CARSAT-T1-2025.pdf", "rapport-CARSAT-T2-2025.pdf"]
    assert not RapportAnnuel.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["INCONNUE", "2025"], "Caisse régionale inconnue : INCONNUE"),
        (["CARSAT-T1", "1990"], "Exercice inconnu : 1990"),
        (["--all", "1990"], "Exercice inconnu : 1990"),
        (["CARSAT-T1"], "Usage"),
    ],
)
def test_clear_errors(org, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("rapport_pdf", *args)


def test_a_folder_given_with_o_gets_the_usual_name_and_an_unwritable_path_a_french_error(org, tmp_path):
    call_command("rapport_pdf", "CARSAT-T1", "2025", "-o", str(tmp_path))
    assert (tmp_path / "rapport-CARSAT-T1-2025.pdf").exists()
    with pytest.raises(CommandError, match="Écriture impossible de .*absent/sortie.pdf"):
        call_command("rapport_pdf", "CARSAT-T1", "2025", "-o", str(tmp_path / "absent" / "sortie.pdf"))
