"""Sidorna: vem ser vad, redigeraren, PDF-läget via htmx, publicering och dåliga indata."""

import pytest
from django.urls import reverse

from rapporter import services
from rapporter.models import Kvalitetsberattelse
from tests.factories import aktuell_version
from tests.rapporter.factories import KvalitetsberattelseFactory

AR = 2024


@pytest.fixture
def b1(org, cast):
    return KvalitetsberattelseFactory(nod=org.n1, ar=AR, skapad_av=cast.kim)


@pytest.fixture
def b2(org, cast):
    return KvalitetsberattelseFactory(nod=org.n2, ar=AR, skapad_av=cast.sofia)


def test_coordinator_creates_a_report_for_own_committee(logga_in, cast, org):
    svar = logga_in(cast.kim).post(reverse("rapporter:skapa"), {"nod": org.n1.pk, "ar": AR})
    b = Kvalitetsberattelse.objects.get()
    assert svar.status_code == 302 and svar.url == reverse("rapporter:detalj", args=[b.pk])
    assert (b.nod, b.ar, b.skapad_av) == (org.n1, AR, cast.kim)


def test_coordinator_cannot_create_for_other_committee_and_keeps_input(logga_in, cast, org):
    svar = logga_in(cast.kim).post(reverse("rapporter:skapa"), {"nod": org.n2.pk, "ar": "tjugo"})
    assert svar.status_code == 400
    assert "Välj en nämnd eller ett område i listan." in svar.content.decode()
    assert "Ange året med fyra siffror." in svar.content.decode()
    assert 'value="tjugo"' in svar.content.decode()
    assert not Kvalitetsberattelse.objects.exists()


@pytest.mark.parametrize("namn", ["kim"])
def test_coordinator_sees_preview_with_live_numbers(logga_in, cast, b1, namn, django_assert_max_num_queries):
    klient = logga_in(getattr(cast, namn))
    with django_assert_max_num_queries(60):
        svar = klient.get(reverse("rapporter:detalj", args=[b1.pk]))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Förhandsgranskning" in html
    assert "Avvikelser enl. SoL, LSS" in html


def test_list_shows_only_reports_in_scope(logga_in, cast, b1, b2, django_assert_max_num_queries):
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(16):
        svar = klient.get(reverse("rapporter:index"))
    assert list(svar.context["berattelser"]) == [b1]
    assert list(logga_in(cast.sofia).get(reverse("rapporter:index")).context["berattelser"]) == [b2]
    assert set(logga_in(cast.lars).get(reverse("rapporter:index")).context["berattelser"]) == {b1, b2}
    assert list(logga_in(cast.pia).get(reverse("rapporter:index")).context["berattelser"]) == []
    assert list(logga_in(cast.utan).get(reverse("rapporter:index")).context["berattelser"]) == []


def test_other_committees_report_is_404(logga_in, cast, b2):
    klient = logga_in(cast.kim)
    for namn in ("detalj", "pdf_status", "pdf_hamta"):
        assert klient.get(reverse(f"rapporter:{namn}", args=[b2.pk])).status_code == 404
    assert klient.post(reverse("rapporter:publicera", args=[b2.pk])).status_code == 404
    assert klient.get(reverse("rapporter:detalj", args=[999999])).status_code == 404


def test_management_reads_published_versions_but_not_the_live_preview(logga_in, cast, b1):
    services.berattelse_publicera(berattelse=b1, av=cast.kim)
    klient = logga_in(cast.lars)
    svar = klient.get(reverse("rapporter:detalj", args=[b1.pk]))
    assert svar.status_code == 200
    assert "Förhandsgranskning" not in svar.content.decode()
    assert klient.get(reverse("rapporter:version", args=[b1.pk, 1])).status_code == 200
    pdf = klient.get(reverse("rapporter:version_pdf", args=[b1.pk, 1]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert klient.post(reverse("rapporter:publicera", args=[b1.pk])).status_code == 404
    assert klient.get(reverse("rapporter:text", args=[b1.pk, "bakgrund"])).status_code == 404


def test_editor_rejects_script_and_keeps_the_text(logga_in, cast, b1):
    url = reverse("rapporter:text", args=[b1.pk, "sammanfattning"])
    sida = logga_in(cast.kim).get(url).content.decode()
    assert 'id="redigerare-verktyg"' in sida and "js/rapporter.js" in sida
    farligt = "<p>Bra år</p><script>alert(1)</script>"
    svar = logga_in(cast.kim).post(url, {"text": farligt})
    assert svar.status_code == 400
    assert "får inte innehålla skript" in svar.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svar.content.decode()
    b1.refresh_from_db()
    assert b1.texter == {}
    svar = logga_in(cast.kim).post(url, {"text": '<p onclick="x()">Hej</p>'})
    assert svar.status_code == 400


def test_editor_keeps_headings_lists_and_bold_but_strips_attributes(logga_in, cast, b1):
    url = reverse("rapporter:text", args=[b1.pk, "sammanfattning"])
    text = '<h3>Rubrik</h3><ul><li><strong>Fet</strong></li></ul><p class="x">Stycke</p><img src="x.png">'
    assert logga_in(cast.kim).post(url, {"text": text, "version": "0"}).status_code == 302
    b1.refresh_from_db()
    assert b1.texter["sammanfattning"] == "<h3>Rubrik</h3><ul><li><strong>Fet</strong></li></ul><p>Stycke</p>"


def test_sanitiser_never_lets_script_through_even_when_called_directly():
    assert (
        services.rensa_html('<a href="javascript:x">l</a><script>x</script><b onmouseover=y>b</b>')
        == "l<b>b</b>"
    )


def test_unknown_section_is_404(logga_in, cast, b1):
    assert logga_in(cast.kim).get(reverse("rapporter:text", args=[b1.pk, "finnsinte"])).status_code == 404


def test_ivo_supervision_is_entered_by_hand_in_the_external_section(logga_in, cast, b1):
    url = reverse("rapporter:text", args=[b1.pk, "externa"])
    svar = logga_in(cast.kim).post(
        url, {"text": "", "ivo_tillsyn": "IVO granskade hemtjänsten i maj.", "version": "0"}
    )
    assert svar.status_code == 302
    b1.refresh_from_db()
    assert b1.ivo_tillsyn == "IVO granskade hemtjänsten i maj."
    assert (
        "IVO granskade hemtjänsten i maj." in logga_in(cast.kim).get(b1.get_absolute_url()).content.decode()
    )


def test_pdf_order_via_htmx_returns_status_partial(logga_in, cast, b1, django_capture_on_commit_callbacks):
    klient = logga_in(cast.kim)
    with django_capture_on_commit_callbacks(execute=True):
        svar = klient.post(reverse("rapporter:pdf_bestall", args=[b1.pk]), HTTP_HX_REQUEST="true")
    assert svar.status_code == 200
    assert 'id="pdfstatus"' in svar.content.decode()
    status = klient.get(reverse("rapporter:pdf_status", args=[b1.pk]))
    assert "Hämta utkast-PDF" in status.content.decode()
    pdf = klient.get(reverse("rapporter:pdf_hamta", args=[b1.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_pending_pdf_status_polls_and_is_not_queued_twice(logga_in, cast, b1):
    Kvalitetsberattelse.objects.filter(pk=b1.pk).update(pdf_status="pagar", pdf_framsteg=40)
    klient = logga_in(cast.kim)
    svar = klient.get(reverse("rapporter:pdf_status", args=[b1.pk]))
    assert 'hx-trigger="every 2s"' in svar.content.decode()
    assert services.pdf_bestall(berattelse=b1, av=cast.kim) is False


def test_publish_via_view_and_compare_versions(logga_in, cast, b1, django_capture_on_commit_callbacks):
    klient = logga_in(cast.kim)
    with django_capture_on_commit_callbacks(execute=True):
        assert klient.post(reverse("rapporter:publicera", args=[b1.pk])).status_code == 302
    services.berattelse_spara_text(
        berattelse=b1, version=aktuell_version(b1), avsnitt="bakgrund", text="<p>Ändrad</p>", av=cast.kim
    )
    with django_capture_on_commit_callbacks(execute=True):
        svar = klient.post(reverse("rapporter:publicera", args=[b1.pk]), HTTP_HX_REQUEST="true")
    assert "Publiceringen väntar i kö" in svar.content.decode()  # webbegäran väntar inte på PDF:en
    status = klient.get(reverse("rapporter:pdf_status", args=[b1.pk])).content.decode()
    assert "Den nya versionen är publicerad" in status
    assert list(b1.versioner.values_list("nummer", flat=True).order_by("nummer")) == [1, 2]
    svar = klient.get(reverse("rapporter:jamfor", args=[b1.pk]), {"a": 1, "b": 2})
    assert svar.status_code == 200
    assert "text.bakgrund" in svar.content.decode()
    assert klient.get(reverse("rapporter:jamfor", args=[b1.pk]), {"a": "x", "b": "-1"}).status_code == 200
    assert klient.get(reverse("rapporter:jamfor", args=[b1.pk]), {"a": 1, "b": 9}).status_code == 404
    assert klient.get(reverse("rapporter:version", args=[b1.pk, 7])).status_code == 404


def test_my_tasks_remind_coordinator_to_publish_last_years_report_until_march(cast, b1, b2):
    import datetime

    from rapporter.queries import mina_uppgifter

    uppgifter = mina_uppgifter(cast.kim, idag=datetime.date(AR + 1, 2, 1))
    assert [u.lank for u in uppgifter] == [b1.get_absolute_url()]
    assert uppgifter[0].forfaller == datetime.date(AR + 1, 3, 31)
    assert mina_uppgifter(cast.kim, idag=datetime.date(AR + 1, 5, 1)) == []
    assert mina_uppgifter(cast.erik, idag=datetime.date(AR + 1, 2, 1)) == []
    services.berattelse_publicera(berattelse=b1, av=cast.kim)
    assert mina_uppgifter(cast.kim, idag=datetime.date(AR + 1, 2, 1)) == []
