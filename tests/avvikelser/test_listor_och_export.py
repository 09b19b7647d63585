"""Klagomålslistans filter och export, och avvikelseexportens kolumner för utredningen."""

import datetime
import logging
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from avvikelser import services
from avvikelser.models import Atgard, Klagomal
from kvalitet.models import Atkomstlogg
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, KlagomalFactory, OrsakFactory


def _rader(svar) -> list[tuple]:
    assert svar.status_code == 200
    assert svar["Content-Type"].startswith("application/vnd.openxmlformats")
    assert svar.streaming  # skriven strömmande (write_only till fil), inte hela boken i minnet
    return list(load_workbook(BytesIO(svar.getvalue())).active.iter_rows(values_only=True))


def _klagomal(enhet, *, dagar_sedan=0, **kw):
    k = KlagomalFactory(enhet=enhet, **kw)
    Klagomal.objects.filter(pk=k.pk).update(inkommet=timezone.now() - datetime.timedelta(days=dagar_sedan))
    return k


def _lista(klient, **filter_) -> set[str]:
    svar = klient.get(reverse("avvikelser:klagomal"), filter_)
    assert svar.status_code == 200
    return {
        r for r in Klagomal.objects.values_list("referensnummer", flat=True) if r in svar.content.decode()
    }


def test_complaint_list_filters_by_status_type_theme_sender_period_and_unit(org, cast, logga_in):
    mat, bemotande = KategoriFactory(namn="Mat"), KategoriFactory(namn="Bemötande")
    a = _klagomal(org.e1, referensnummer="KS-2026-000001", typ="klagomal", tema=mat, dagar_sedan=40)
    b = _klagomal(org.e2, referensnummer="KS-2026-000002", typ="berom", tema=bemotande, avsandartyp="anhorig")
    c = _klagomal(org.e1, referensnummer="KS-2026-000003", typ="forslag", status="avslutat")
    _klagomal(org.e4, referensnummer="KS-2026-000004", typ="klagomal", tema=mat)  # annan nämnd
    klient = logga_in(cast.kim)
    alla = {a.referensnummer, b.referensnummer, c.referensnummer}
    assert _lista(klient) == alla
    assert _lista(klient, status="avslutat") == {c.referensnummer}
    assert _lista(klient, typ="berom") == {b.referensnummer}
    assert _lista(klient, tema=mat.pk) == {a.referensnummer}
    assert _lista(klient, avsandartyp="anhorig") == {b.referensnummer}
    assert _lista(klient, enhet=org.e1.pk) == {a.referensnummer, c.referensnummer}
    idag = timezone.localdate()
    fran = (idag - datetime.timedelta(days=7)).isoformat()
    assert _lista(klient, fran=fran) == {b.referensnummer, c.referensnummer}
    assert _lista(klient, till=(idag - datetime.timedelta(days=30)).isoformat()) == {a.referensnummer}
    # Elsa (chef E3) ser inga av dem, oavsett filter.
    assert _lista(logga_in(cast.elsa)) == set()


def test_complaint_filter_errors_are_swedish_and_keep_what_was_typed(org, cast, logga_in):
    klient = logga_in(cast.kim)
    svar = klient.get(reverse("avvikelser:klagomal"), {"fran": "2026-05-10", "till": "2026-05-01"})
    html = svar.content.decode()
    assert svar.status_code == 200
    assert "Till-datumet ska vara samma dag som från-datumet eller senare." in html
    assert 'value="2026-05-10"' in html and "<title>Fel:" in html
    svar = klient.get(reverse("avvikelser:klagomal"), {"fran": "igår", "enhet": "x"})
    assert svar.status_code == 200 and "Ange datumet som ÅÅÅÅ-MM-DD." in svar.content.decode()


def test_complaint_list_is_bounded_in_queries(org, cast, logga_in, django_assert_max_num_queries):
    mat = KategoriFactory(namn="Mat")
    for i in range(30):
        _klagomal(org.e1 if i % 2 else org.e2, tema=mat if i % 3 else None)
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(16):
        svar = klient.get(reverse("avvikelser:klagomal"), {"typ": "klagomal"})
    assert svar.content.decode().count("/avvikelser/klagomal/") >= 25


def test_complaint_export_has_the_filtered_rows_and_no_sender_names(org, cast, logga_in, caplog):
    mat = KategoriFactory(namn="Mat")
    _klagomal(
        org.e1,
        referensnummer="KS-2026-000011",
        tema=mat,
        namn="Klara Klagare",
        kontakt="klara@example.se",
        beskrivning='=HYPERLINK("http://x") Maten var kall.',
        aterkoppling_hur="Brev",
    )
    _klagomal(org.e2, referensnummer="KS-2026-000012", typ="berom", beskrivning="Bra bemötande.")
    _klagomal(org.e4, referensnummer="KS-2026-000013", beskrivning="Annan nämnd.")
    klient = logga_in(cast.kim)
    with caplog.at_level(logging.INFO, logger="avvikelser.export"):
        rader = _rader(klient.get(reverse("avvikelser:klagomal_export"), {"typ": "klagomal"}))
    rubriker, *data = rader
    assert rubriker[:3] == ("Referensnummer", "Inkommet", "Enhet") and "Tema" in rubriker
    assert [r[0] for r in data] == ["KS-2026-000011"]
    rad = dict(zip(rubriker, data[0], strict=True))
    assert rad["Tema"] == "Mat" and rad["Typ"] == "Klagomål" and rad["Återkoppling, hur"] == "Brev"
    assert rad["Beskrivning"].startswith("'=HYPERLINK")  # en formel blir text
    text = " ".join(str(v) for r in rader for v in r)
    assert "Klara" not in text and "klara@example.se" not in text
    assert any("klagomål" in r.getMessage() and str(cast.kim.pk) in r.getMessage() for r in caplog.records)
    # Hela listan utan filter: bara det som Kim får se.
    alla = _rader(klient.get(reverse("avvikelser:klagomal_export")))
    assert sorted(r[0] for r in alla[1:]) == ["KS-2026-000011", "KS-2026-000012"]


def test_deviation_export_has_description_causes_risk_actions_and_conclusion(org, cast, brukare, logga_in):
    a = AvvikelseFactory(
        referensnummer="AV-2026-000031",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        brukare=brukare.b1,
        beskrivning="Medicinen gavs två timmar för sent.",
        atgard_direkt="Ringde sjuksköterskan.",
        konsekvens=3,
        sannolikhet=3,
        slutsats="Signeringslistan saknades på kvällen.",
    )
    a.orsaker.add(OrsakFactory(namn="Rutin saknas"), OrsakFactory(namn="Bemanning"))
    Atgard.objects.create(avvikelse=a, text="Ny signeringslista", klar_senast=datetime.date(2026, 6, 1))
    Atgard.objects.create(
        avvikelse=a, text="Utbildning", genomford=datetime.date(2026, 5, 2), effekt_bedomning="ja", klar=True
    )
    Atgard.objects.create(avvikelse=a, text="Extra pass", struken="Behövs inte")
    AvvikelseFactory(enhet=org.e4, rapporterad_av=cast.sofia)  # annan nämnd
    rader = _rader(logga_in(cast.erik).get(reverse("avvikelser:export")))
    rubriker, *data = rader
    assert len(data) == 1
    rad = dict(zip(rubriker, data[0], strict=True))
    assert rad["Referensnummer"] == "AV-2026-000031" and rad["Enhet"] == "Enhet E1"
    assert rad["Vad hände"] == "Medicinen gavs två timmar för sent."
    assert rad["Vad gjordes direkt"] == "Ringde sjuksköterskan."
    assert rad["Orsaker"] == "Bemanning, Rutin saknas"
    assert (rad["Konsekvens (1–4)"], rad["Sannolikhet (1–4)"], rad["Riskvärde"], rad["Risknivå"]) == (
        3,
        3,
        9,
        "Hög",
    )
    assert rad["Åtgärder"].split("\n") == [
        "Ny signeringslista (klar senast 2026-06-01)",
        "Utbildning (genomförd 2026-05-02, effekt: ja)",
        "Extra pass (struken: Behövs inte)",
    ]
    assert rad["Slutsats"] == "Signeringslistan saknades på kvällen."
    assert (
        Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1, vad__contains="export").count()
        == 1
    )


def test_deviation_export_reads_causes_and_actions_in_bulk(
    org, cast, logga_in, django_assert_max_num_queries
):
    orsak = OrsakFactory(namn="Rutin saknas")
    for _ in range(40):
        a = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
        a.orsaker.add(orsak)
        Atgard.objects.create(avvikelse=a, text="Åtgärd")
    klient = logga_in(cast.erik)
    with django_assert_max_num_queries(14):
        svar = klient.get(reverse("avvikelser:export"))
    assert len(_rader(svar)) == 41


def test_deviation_export_keeps_an_anonymous_reporter_out(org, cast, logga_in):
    cast.pia.first_name, cast.pia.last_name = "Petronella", "Hemligsson"
    cast.pia.save()
    a = services.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(enhet=org.e1, anonym=True, kategori=KategoriFactory(namn="Omsorg")),
        av=cast.pia,
    )
    Atgard.objects.create(avvikelse=a, text="Prata med rapportören", ansvarig=cast.pia)
    rader = _rader(logga_in(cast.erik).get(reverse("avvikelser:export")))
    text = " ".join(str(v) for r in rader for v in r)
    assert a.referensnummer in text and "Petronella" not in text and "Hemligsson" not in text
