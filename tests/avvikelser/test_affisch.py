"""QR-affischen per enhet: PDF:en (text, bild, QR-koden), vem som får skriva ut den och den korta adressen."""

import re
import shutil
import subprocess

import pytest
import qrcode
from django.urls import reverse
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from avvikelser import affisch
from kvalitet.qr import qr_svg

BAS = "https://kvalitet.example.se"


@pytest.fixture(autouse=True)
def _bas_url(settings):
    settings.KVALITET_BAS_URL = BAS


def _moduler_i_svg(svg: str) -> set[tuple[int, int]]:
    # SvgPathImage ritar varje mörk modul som en egen kvadrat "Mx,yH…".
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", svg)}


def _moduler_for(text: str) -> set[tuple[int, int]]:
    kod = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    kod.add_data(text)
    kod.make(fit=True)
    return {(x, y) for y, rad in enumerate(kod.get_matrix()) for x, mork in enumerate(rad) if mork}


def test_the_qr_svg_encodes_exactly_the_given_url():
    # Ingen QR-avkodare finns i beroendena: SVG:ns moduler jämförs med qrcodes matris för adressen.
    adress = f"{BAS}/r/17/"
    svg = qr_svg(adress)
    assert svg.startswith("<svg") and 'width="12cm"' in svg
    assert _moduler_i_svg(svg) == _moduler_for(adress)
    assert _moduler_i_svg(svg) != _moduler_for(f"{BAS}/r/18/")


def test_short_address_is_the_base_url_and_the_unit_number(org):
    assert affisch.kort_adress(org.e1) == f"{BAS}/r/{org.e1.pk}/"


def test_manager_prints_poster_with_unit_name_url_and_a_visible_qr_code(
    org, cast, logga_in, pdftotext, tmp_path
):
    svar = logga_in(cast.erik).get(reverse("avvikelser:affisch_pdf", args=[org.e1.pk]))
    assert svar.status_code == 200 and svar["Content-Type"] == "application/pdf"
    pdf = svar.content
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Enhet E1" in text and "Rapportera avvikelse" in text
    assert f"kvalitet.example.se/r/{org.e1.pk}/" in text
    (tmp_path / "a.pdf").write_bytes(pdf)
    subprocess.run(
        [shutil.which("pdftoppm"), "-png", "-r", "50", str(tmp_path / "a.pdf"), str(tmp_path / "s")],
        check=True,
    )
    sidor = list(tmp_path.glob("s*.png"))
    assert len(sidor) == 1  # en sida
    bild = Image.open(sidor[0]).convert("L")
    bredd, hojd = bild.size
    assert 0.70 < bredd / hojd < 0.72  # A4 stående
    # Mitten av sidan (där QR-koden står) är till en stor del svart: en tom sida eller en trasig SVG är vit.
    mitt = bild.crop((bredd // 4, hojd // 4, 3 * bredd // 4, 3 * hojd // 4))
    morka = sum(mitt.histogram()[:80])
    assert morka > 0.2 * mitt.width * mitt.height


@pytest.mark.parametrize(
    ("namn", "enhet", "vantat"),
    [
        ("erik", "e1", 200),  # enhetschefen för sin enhet
        ("erik", "e2", 404),  # ... men inte grannenhetens
        ("elsa", "e1", 404),
        ("vera", "e2", 200),  # verksamhetschefen för områdets enheter
        ("vera", "e3", 404),
        ("kim", "e3", 200),  # nämndens kvalitetssamordnare
        ("sofia", "e1", 404),  # en annan nämnds
        ("pia", "e1", 403),  # personalen skriver inte ut affischen
        ("hanna", "e1", 403),
        ("lars", "e1", 403),
        ("ada", "e1", 403),
        ("utan", "e1", 403),
    ],
)
def test_who_may_print_the_poster(org, cast, logga_in, namn, enhet, vantat):
    klient = logga_in(getattr(cast, namn))
    svar = klient.get(reverse("avvikelser:affisch_pdf", args=[getattr(org, enhet).pk]))
    assert svar.status_code == vantat
    lista = klient.get(reverse("avvikelser:affischer"))
    assert lista.status_code == (403 if vantat == 403 else 200)


def test_unknown_or_other_node_gives_404_not_500(org, cast, logga_in):
    klient = logga_in(cast.kim)
    assert klient.get(reverse("avvikelser:affisch_pdf", args=[999999])).status_code == 404
    # Ett område är ingen enhet: ingen affisch.
    assert klient.get(reverse("avvikelser:affisch_pdf", args=[org.a1.pk])).status_code == 404


def test_poster_list_shows_only_the_users_units_with_their_short_address(
    org, cast, logga_in, django_assert_max_num_queries
):
    klient = logga_in(cast.vera)
    with django_assert_max_num_queries(12):
        html = klient.get(reverse("avvikelser:affischer")).content.decode()
    assert "Enhet E1" in html and "Enhet E2" in html and "Enhet E3" not in html
    assert f"{BAS}/r/{org.e1.pk}/" in html
    assert reverse("avvikelser:affisch_pdf", args=[org.e2.pk]) in html


def test_manager_start_page_and_queue_link_to_the_posters_staff_does_not_see_it(org, cast, logga_in):
    lank = reverse("avvikelser:affischer")
    start = logga_in(cast.erik).get(reverse("kvalitet:start")).content.decode()
    assert lank in start
    # Verktyget står efter båda rapportknapparna.
    assert start.index("Rapportera avvikelse") < start.index("Rapportera missförhållande") < start.index(lank)
    assert lank in logga_in(cast.erik).get(reverse("avvikelser:index")).content.decode()
    assert lank not in logga_in(cast.pia).get(reverse("kvalitet:start")).content.decode()


def test_short_address_requires_login_and_then_opens_the_prefilled_form(org, cast, client):
    kort = reverse("kort_rapport", args=[org.e1.pk])
    assert kort == f"/r/{org.e1.pk}/"
    svar = client.get(kort)
    assert svar.status_code == 302 and svar["Location"].startswith("/login/?next=")
    assert f"next=/r/{org.e1.pk}/" in svar["Location"].replace("%2F", "/")
    # Inloggningen skickar tillbaka till den korta adressen, som leder till formuläret med enheten.
    cast.pia.set_password("losenord-for-test-123")
    cast.pia.save()
    svar = client.post(
        f"/login/?next=/r/{org.e1.pk}/",
        {"username": "pia", "password": "losenord-for-test-123", "next": f"/r/{org.e1.pk}/"},
        follow=True,
    )
    assert svar.redirect_chain[-1][0] == f"/avvikelser/rapportera/?enhet={org.e1.pk}"
    html = svar.content.decode()
    assert re.search(rf'<option value="{org.e1.pk}"[^>]*selected', html)
