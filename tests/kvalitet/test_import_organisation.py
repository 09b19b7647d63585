import pytest
from django.core.management import CommandError, call_command

from kvalitet.importer import importera_organisation
from kvalitet.models import NodTyp, OrgNod

GOD = """kod;namn;typ;forelder_kod;antal_platser;aktiv
K;Kommunen;kommun;;;ja
N1;Norra nämnden;nämnd;K;;ja
A1;Äldreomsorg;verksamhetsområde;N1;;ja
E1;Hemtjänst Norr;enhet;A1;120;ja
E2;Gruppbostad;enhet;A1;12;nej
"""

MED_FEL = """kod;namn;typ;forelder_kod;antal_platser;aktiv
K;Kommunen;kommun;;;ja
N1;Norra nämnden;nämnd;K;;ja
E9;Fel förälder;enhet;N1;;ja
;Utan kod;enhet;A1;;ja
A1;Äldreomsorg;verksamhetsområde;N1;;ja
E1;Hemtjänst;enhet;A1;många;ja
E2;Okänd typ;avdelning;A1;;ja
E3;Okänd förälder;enhet;X9;;ja
E4;Bra enhet;enhet;A1;10;ja
"""


def test_import_creates_tree_with_paths(db):
    resultat = importera_organisation(GOD)
    assert resultat.fel == [] and resultat.skapade == 5
    e1 = OrgNod.objects.get(kod="E1")
    assert e1.typ == NodTyp.ENHET and e1.antal_platser == 120
    assert e1.sokvag == f"{OrgNod.objects.get(kod='A1').sokvag}{e1.pk}/"
    assert OrgNod.objects.get(kod="E2").aktiv is False


def test_reimport_changes_nothing(db):
    importera_organisation(GOD)
    historik = sum(n.history.count() for n in OrgNod.objects.all())
    resultat = importera_organisation(GOD)
    assert (resultat.skapade, resultat.andrade, resultat.oforandrade) == (0, 0, 5)
    assert sum(n.history.count() for n in OrgNod.objects.all()) == historik


def test_changed_row_updates_only_that_node(db):
    importera_organisation(GOD)
    resultat = importera_organisation(
        GOD.replace("Hemtjänst Norr;enhet;A1;120", "Hemtjänst Norra;enhet;A1;130")
    )
    assert resultat.andrade == 1 and resultat.oforandrade == 4
    assert OrgNod.objects.get(kod="E1").namn == "Hemtjänst Norra"


def test_dry_run_reports_every_bad_row_and_writes_nothing(db):
    resultat = importera_organisation(MED_FEL, torrkorning=True)
    fel = {(f.rad, f.falt) for f in resultat.fel}
    assert fel == {
        (4, "forelder_kod"),
        (5, "kod"),
        (5, "forelder_kod"),  # A1 kommer först efter raden
        (7, "antal_platser"),
        (8, "typ"),
        (9, "forelder_kod"),
    }
    assert not OrgNod.objects.exists()
    assert "föräldern ska vara av typen verksamhetsområde" in str(next(f for f in resultat.fel if f.rad == 4))


def test_bad_rows_do_not_stop_good_ones(db):
    resultat = importera_organisation(MED_FEL)
    assert set(OrgNod.objects.values_list("kod", flat=True)) == {"K", "N1", "A1", "E4"}
    assert resultat.skapade == 4 and len(resultat.fel) == 6


def test_missing_column_is_reported(db):
    resultat = importera_organisation("kod;namn\nK;Kommunen\n")
    assert resultat.fel[0].falt == "typ, forelder_kod"


def test_command_dry_run_prints_errors_and_exits_nonzero(db, tmp_path, capsys):
    fil = tmp_path / "org.csv"
    fil.write_text(MED_FEL, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_organisation", str(fil), "--dry-run")
    fel = capsys.readouterr().err
    assert "Rad 7, antal_platser: ska vara ett heltal" in fel
    assert not OrgNod.objects.exists()


def test_command_imports_comma_separated_file_with_bom(db, tmp_path):
    fil = tmp_path / "org.csv"
    fil.write_text("\ufeff" + GOD.replace(";", ","), encoding="utf-8")
    call_command("import_organisation", str(fil))
    assert OrgNod.objects.count() == 5
