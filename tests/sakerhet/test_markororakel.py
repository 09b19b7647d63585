"""Markörorakel: ingen sida, inget htmx-svar, API-svar (JSON och bläddringsbart), export (xlsx, csv),
ingen PDF-text och ingen e-post innehåller en markör som rolltabellen nedan inte ger användaren.

Data byggs av tests/sakerhet/markorer.py: poster av varje slag i båda nämnderna, en unik markör i varje
textfält, egna markörer för varje skyddad identitet, varje anonym avvikelserapportör och lex Sarah-
rapportör (i användarnamn, förnamn och efternamn) och hugos API-nyckel. Rolltabellen (`TILLATET`) är
skriven för hand ur README:s och DESIGN.md:s rolltabell och issue 14, och anropar aldrig kvalitet.access:
orakelt ska kunna säga emot åtkomstmodulen.

Val där tabellen var otydlig (README/DESIGN avgör):
- Personal får se namn och personnummer på vanliga brukare vid sina enheter (de väljs i rapportformuläret,
  README: "kan välja brukare vid sina enheter i ett formulär"); aldrig en skyddad identitet.
- Skyddad identitet: bara ärendets handläggare (hanna i N1, hugo i N2); inte samordnaren, inte en annan
  handläggare i samma nämnd (hilda), inte chefen vid enheten.
- Anonym avvikelserapportör: ingen utom rapportören själv, inte heller utredande chef eller samordnare.
- Lex Sarah-rapportören: bara utredarna (nämndens kvalitetssamordnare) och rapportören själv. Rapportören
  läser det hen själv skrev (beskrivning, vad som gjordes direkt, rubriken) men inte utredningen.
- Lex Sarah-rubriken (sammanfattning, "utan personuppgifter", står i registret) får ledningen läsa.
- Chefer läser avvikelser, klagomål, lex Sarah-ärenden (utom rapportören), riskanalyser och förändringar
  vid sina enheter; nämndens mål, egenkontroll och förbättringsplan gäller också enheterna under nämnden.
- Uppföljningsärenden och ej verkställda beslut: nämndens handläggare och kvalitetssamordnare.
- Riskanalysens rubrik (inte dess innehåll): också nämndens handläggare, som väljer analysen till sina
  förändringar (issue 19: "list the committee's analyses she may link").
- Kvalitetsberättelsens utkast: bara samordnaren (README: "samordnaren bygger och hämtar utkast").
- Ledning och admin: inga personuppgifter och inga posters text. Admin förvaltar användare och roller,
  så rapportörernas användarnamn får stå på admins sidor för användare och rolltilldelningar (bara där:
  kopplingen mellan rapport och rapportör är det hemliga). Ingen, inte heller admin, läser någon annans
  API-nyckel.
- En användare vars enda roll gått ut (giltig_till i går) är som en användare utan roll.
"""

import json
import re
import subprocess
import zipfile
from io import BytesIO
from urllib.parse import quote, quote_plus

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.sakerhet import markorer
from tests.sakerhet.test_url_genomgang import _fyll, _monster

N1_ENHET = {"brukare:n1"}  # personal vid E1 väljer brukare vid enheten i rapportformulären


def _chef(c):
    return {
        f"brukare:{c}",
        f"avvikelse:{c}:egen",
        f"avvikelse:{c}:anonym",
        f"klagomal:{c}",
        f"lexsarah_rubrik:{c}",
        f"lexsarah_rapport:{c}",
        f"lexsarah_utredning:{c}",
        f"riskanalys:{c}",
        f"riskanalys_titel:{c}",
        f"forandring:{c}",
        f"kvalitetsarbete:{c}",
    }


def _handlaggare(c):
    return {
        f"brukare:{c}",
        f"forandring:{c}",
        f"uppfoljning:{c}",
        f"ejverkstallt:{c}",
        f"riskanalys_titel:{c}",
    }


def _samordnare(c):
    return _chef(c) | _handlaggare(c) | {f"lexsarah_rapportor:{c}", f"berattelse:{c}", f"kvalitetsarbete:{c}"}


# Vem får se vilka markörfamiljer. Skriven för hand; se valen överst.
TILLATET: dict[str, set[str]] = {
    "pia": N1_ENHET | {"avvikelse:n1:egen"},
    "erik": _chef("n1"),
    "vera": _chef("n1"),
    "elsa": {"kvalitetsarbete:n1"},
    "hanna": _handlaggare("n1") | {"skyddad:n1"},
    "hilda": _handlaggare("n1"),
    "hugo": _handlaggare("n2") | {"skyddad:n2", "avvikelse:n2:egen", "token:hugo"},
    "kim": _samordnare("n1"),
    "sofia": _samordnare("n2"),
    "lars": {"lexsarah_rubrik:n1", "lexsarah_rubrik:n2"},
    "ada": set(),
    "utan": set(),
    "utgangen": set(),
    "anonym1": N1_ENHET | {"anonym:n1", "avvikelse:n1:anonym"},
    "anonym2": {"brukare:n2", "anonym:n2", "avvikelse:n2:anonym"},
    "lexsarah1": N1_ENHET | {"lexsarah_rapportor:n1", "lexsarah_rapport:n1", "lexsarah_rubrik:n1"},
    "lexsarah2": {"brukare:n2", "lexsarah_rapportor:n2", "lexsarah_rapport:n2", "lexsarah_rubrik:n2"},
}
# Admin förvaltar användarna: deras namn i Django-admin (användare, roller, val av användare) är inget
# läckage, eftersom ingen rapport finns där (se valen överst).
RAPPORTORFAMILJER = {"anonym:n1", "anonym:n2", "lexsarah_rapportor:n1", "lexsarah_rapportor:n2"}

ANVANDARE = [
    "pia",
    "erik",
    "elsa",
    "vera",
    "hanna",
    "hilda",
    "hugo",
    "kim",
    "sofia",
    "lars",
    "ada",
    "utan",
    "utgangen",
    "anonym1",
    "lexsarah1",
]

# Vilket slag av post ett mönster tar som id (annars prövas alla id:n).
SLAG = [
    (r"^brukare/<", "brukare"),
    (r"^notifikationer/<", "notifikation"),
    (r"^avvikelser/klagomal/<", "klagomal"),
    (r"^avvikelser/bilaga/<", "avvikelse_bilaga"),
    (r"^avvikelser/<", "avvikelse"),
    (r"^lexsarah/bilaga/<", "lexsarah_bilaga"),
    (r"^lexsarah/<", "lexsarah"),
    (r"^riskanalys/mallar/<", "mall"),
    (r"^riskanalys/risk/<", "risk"),
    (r"^riskanalys/atgard/<", "riskanalys_atgard"),
    (r"^riskanalys/<", "riskanalys"),
    (r"^uppfoljning/forandringar/<", "forandring"),
    (r"^uppfoljning/arenden/<", "arende"),
    (r"^uppfoljning/ej-verkstallda/<", "ejverkstallt"),
    (r"^rapporter/<", "berattelse"),
    (r"^kvalitetsarbete/mal/<", "mal"),
    (r"^kvalitetsarbete/indikator/<", "malindikator"),
    (r"^kvalitetsarbete/kontrollplan/<", "kontrollplan"),
    (r"^kvalitetsarbete/kontrollpunkt/<", "kontrollpunkt"),
    (r"^kvalitetsarbete/forbattringsplan/<", "forbattringsatgard"),
    (r"^api/v1/brukare/<", "brukare"),
    (r"^api/v1/insatser/<", "insats"),
    (r"^api/v1/mal/<", "mal"),
    (r"^api/v1/malindikatorer/<", "malindikator"),
    (r"^api/v1/kontrollplaner/<", "kontrollplan"),
    (r"^api/v1/forbattringsatgarder/<", "forbattringsatgard"),
    (r"^api/v1/avvikelser/<", "avvikelse"),
    (r"^api/v1/klagomal/<", "klagomal"),
    (r"^api/v1/lexsarah/<", "lexsarah"),
    (r"^api/v1/lexsarah-atgarder/<", "lexsarah_atgard"),
    (r"^api/v1/riskanalyser/<", "riskanalys"),
    (r"^api/v1/riskanalys-atgarder/<", "riskanalys_atgard"),
    (r"^api/v1/riskanalysmallar/<", "mall"),
    (r"^api/v1/forandringar/<", "forandring"),
    (r"^api/v1/uppfoljningsarenden/<", "arende"),
    (r"^api/v1/uppfoljningskontakter/<", "kontakt"),
    (r"^api/v1/ej-verkstallda-beslut/<", "ejverkstallt"),
    (r"^api/v1/kvalitetsberattelser/<", "berattelse"),
]
# Mönster utan poster bakom sig (konfiguration utan markörer): ett id räcker.
UTAN_MARKORER = ("api/v1/organisation/<", "api/v1/insatstyper/<", "api/v1/avvikelsekategorier/<")


def _slugvarden(monster: str) -> list[str]:
    """Sökvägar med riktiga slug-värden (avsnitt, brist) och nummer 1 för publicerade versioner."""
    from rapporter.models import AVSNITT_NAMN
    from uppfoljning.queries import BRISTER

    if "<slug:avsnitt>" in monster:
        return [monster.replace("<slug:avsnitt>", a) for a in AVSNITT_NAMN]
    if "<slug:brist>" in monster:
        return [monster.replace("<slug:brist>", b) for b in BRISTER]
    if "<slug:nyckel>" in monster:
        from kvalitet.startsida import nycklar

        return [monster.replace("<slug:nyckel>", n) for n in nycklar()]
    return [monster.replace("<int:nummer>", "1")]


def _sokvagar(ids: dict[str, list[int]]):
    """(sökväg, är_detalj) för varje URL-mönster, ifyllt med varje id av rätt slag."""
    alla = sorted({pk for lista in ids.values() for pk in lista})
    for monster in _monster():
        if monster.lstrip("^").startswith(("login/", "logout/", "oidc/", "health/")):
            continue
        for variant in _slugvarden(monster):
            if "<" not in variant:
                sokvag = _fyll(variant, 0)
                if sokvag:
                    yield sokvag, False
                continue
            if variant.startswith(UTAN_MARKORER):
                pks = [1]
            else:
                slag = next((s for rx, s in SLAG if re.match(rx, variant)), None)
                pks = ids.get(slag, []) if slag else alla
            for pk in pks:
                sokvag = _fyll(variant, pk)
                if sokvag:
                    yield sokvag, True


def _pdftext(innehall: bytes) -> str:
    svar = subprocess.run(["pdftotext", "-q", "-", "-"], input=innehall, capture_output=True, timeout=60)
    return svar.stdout.decode(errors="replace")


def _text(svar) -> str:
    """Allt i svaret som en människa eller ett program kan läsa: rubriker, kropp, PDF-text, xlsx-xml."""
    innehall = b"".join(svar.streaming_content) if svar.streaming else svar.content
    delar = [f"{k}: {v}" for k, v in svar.headers.items()]
    if innehall.startswith(b"%PDF"):
        delar.append(_pdftext(innehall))
        delar.append(innehall.decode("latin-1"))
    elif innehall.startswith(b"PK"):
        with zipfile.ZipFile(BytesIO(innehall)) as z:
            delar.extend(z.read(n).decode(errors="replace") for n in z.namelist())
    else:
        text = innehall.decode(errors="replace")
        delar.append(text)
        if "json" in svar.get("Content-Type", ""):
            try:  # \u-kodade tecken i JSON
                delar.append(json.dumps(json.loads(text), ensure_ascii=False))
            except ValueError:
                pass
    return "\n".join(delar)


VAL = re.compile(r"<option\b[^>]*>.*?</option>", re.IGNORECASE | re.DOTALL)
HX_LANK = re.compile(r'hx-get="([^"]+)"')
# En sida med htmx-delar (hx-headers på <body> finns på varje sida och räknas inte).
HTMX = re.compile(r"hx-(get|post|put|patch|delete|trigger|target|swap)=")


def _former(sokt: str) -> list[str]:
    if re.fullmatch(r"\d{12}", sokt):
        return [sokt, f"{sokt[:8]}-{sokt[8:]}", f"{sokt[2:8]}-{sokt[8:]}"]
    return [sokt]


class Granskning:
    """Samlar läckor och 500-svar för en användare, så att en körning visar alla."""

    def __init__(self, namn, m):
        self.namn, self.m = namn, m
        self.tillatet = TILLATET[namn]
        self.lackor: list[str] = []
        self.fel: list[str] = []
        self.provade = 0
        self.senaste = ""
        self.typer: set[str] = set()  # innehållstyper i 200-svaren, så att testet vet att exporterna prövades

    def svar(self, beskrivning: str, svar, sokvag: str = "", sokt: str = ""):
        self.provade += 1
        if svar.status_code >= 500:
            self.fel.append(f"{self.namn} | {beskrivning} | status {svar.status_code}")
        text = _text(svar)
        self.senaste = text
        if svar.status_code == 200:
            self.typer.add(svar.get("Content-Type", "").split(";")[0])
        if sokt:  # det användaren själv sökte på står i sökrutan och länkarna; det är inget läckage
            for form in _former(sokt):
                text = re.sub(re.escape(form), "", text, flags=re.IGNORECASE)
        funna = self.m.hitta(text)
        # En lista över kollegor att välja (ansvarig för en åtgärd ...) kopplar ingen till en rapport:
        # rapportörernas namn räknas inte där, men allt annat (t.ex. enskilda i en lista) gör det.
        utan_val = self.m.hitta(VAL.sub("", text))
        for familj, falt in sorted(funna.items()):
            if familj in self.tillatet:
                continue
            if familj in RAPPORTORFAMILJER and familj not in utan_val:
                continue
            if self.namn == "ada" and familj in RAPPORTORFAMILJER and sokvag.startswith("/admin/"):
                continue
            self.lackor.append(f"{self.namn} | {beskrivning} | {familj} ({', '.join(sorted(falt))})")
        return svar

    def rapport(self) -> str:
        return "\n".join(self.lackor + self.fel)


@pytest.fixture
def data(org, cast, settings, tmp_path, pdftotext):
    settings.MEDIA_ROOT = tmp_path / "media"
    m, ids, poster, extra = markorer.bygg(org, cast)
    personer = {**vars(cast), **vars(extra)}
    return m, ids, poster, personer


def _granska_allt(namn, klient, g: Granskning, ids, poster, personer):
    # Sökningar på en skyddad persons namn och en annan nämnds skyddade personnummer.
    sokningar = [poster.n1.s.fornamn, poster.n2.s.personnummer]
    hx = set()
    for sokvag, detalj in _sokvagar(ids):
        if sokvag.startswith("/api/"):
            for beskr, extra in (
                ("json", {"HTTP_ACCEPT": "application/json"}),
                ("html", {"HTTP_ACCEPT": "text/html"}),
            ):
                g.svar(f"GET {sokvag} [{beskr}]", klient.get(sokvag, **extra), sokvag)
            if not detalj:  # på en detalj ger ?format= samma renderare som Accept
                g.svar(f"GET {sokvag}?format=api", klient.get(sokvag, {"format": "api"}), sokvag)
                g.svar(f"GET {sokvag}?format=json", klient.get(sokvag, {"format": "json"}), sokvag)
                for q in sokningar:
                    g.svar(f"GET {sokvag}?q=…", klient.get(sokvag, {"q": q, "format": "json"}), sokvag, q)
            continue
        svar = g.svar(f"GET {sokvag}", klient.get(sokvag), sokvag)
        if svar.status_code != 200:
            continue
        if HTMX.search(g.senaste):
            # Sidan använder htmx: själva sidan som htmx-svar, och varje del den hämtar med hx-get.
            g.svar(f"GET {sokvag} [HX-Request]", klient.get(sokvag, HTTP_HX_REQUEST="true"), sokvag)
            hx.update(u.replace("&amp;", "&") for u in HX_LANK.findall(g.senaste) if u.startswith("/"))
        if not detalj and re.search(r'name="q"', g.senaste):
            for q in sokningar:
                g.svar(f"GET {sokvag}?q=…", klient.get(sokvag, {"q": q}), sokvag, q)
                g.svar(
                    f"GET {sokvag}?q=… [HX-Request]",
                    klient.get(sokvag, {"q": q}, HTTP_HX_REQUEST="true"),
                    sokvag,
                    q,
                )
    for sokvag in sorted(hx):
        g.svar(f"GET {sokvag} [HX-Request]", klient.get(sokvag, HTTP_HX_REQUEST="true"), sokvag)
        for q in sokningar:
            g.svar(
                f"GET {sokvag}?q=… [HX-Request]",
                klient.get(sokvag, {"q": q}, HTTP_HX_REQUEST="true"),
                sokvag,
                q,
            )

    # Skrivvägar som svarar med posten: API PATCH (tom ändring) på varje detalj, och krockmeddelandet.
    # Utan version svarar de låsta posterna med krocken (409), med den aktuella versionen (läst med GET)
    # med posten: båda svaren granskas.
    for sokvag, detalj in _sokvagar(ids):
        if detalj and sokvag.startswith("/api/v1/") and sokvag.count("/") == 5:
            g.svar(
                f"PATCH {sokvag} {{}}", klient.patch(sokvag, "{}", content_type="application/json"), sokvag
            )
            if (version := _version(klient, sokvag)) is not None:
                g.svar(
                    f"PATCH {sokvag} {{version}}",
                    klient.patch(sokvag, json.dumps({"version": version}), content_type="application/json"),
                    sokvag,
                )
    for pk in ids["avvikelse"]:
        sokvag = f"/avvikelser/{pk}/utred/"
        g.svar(
            f"POST {sokvag} (inaktuell version)",
            klient.post(sokvag, {"version": 999, "slutsats": "x"}),
            sokvag,
        )
    # Att ta över ett skyddat ärende via API:t får inte ge identiteten i svaret (issue 14 punkt 1).
    for s in (poster.n1.s, poster.n2.s):
        sokvag = f"/api/v1/brukare/{s.pk}/"
        g.svar(
            f"PATCH {sokvag} {{handlaggare: {namn}}}",
            klient.patch(
                sokvag,
                json.dumps({"handlaggare": personer[namn].pk, "version": _version(klient, sokvag)}),
                content_type="application/json",
            ),
            sokvag,
        )


def _version(klient, sokvag: str):
    """Postens version som användaren själv läser den (None om hen inte får läsa posten)."""
    svar = klient.get(sokvag, HTTP_ACCEPT="application/json")
    return svar.json().get("version") if svar.status_code == 200 else None


def _granska_admin(klient, g: Granskning):
    sidor = ["/admin/"]
    for modell in admin.site._registry:
        info = f"admin:{modell._meta.app_label}_{modell._meta.model_name}"
        sidor += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        # De senaste raderna: testets egna (användare, roller, nycklar, berättelser) skapades sist.
        for pk in modell._default_manager.order_by("-pk").values_list("pk", flat=True)[:20]:
            sidor += [
                reverse(f"{info}_change", args=[pk]),
                reverse(f"{info}_history", args=[pk]),
            ]
    besokta = 0
    for sokvag in sidor:
        svar = g.svar(f"GET {sokvag}", klient.get(sokvag), sokvag)
        besokta += svar.status_code == 200
    return besokta


@pytest.mark.parametrize("namn", ANVANDARE)
def test_no_response_shows_a_marker_the_role_table_forbids(namn, data):
    m, ids, poster, personer = data
    user = personer[namn]
    if namn == "ada":
        # Django-admin kräver superanvändare i den här installationen (se tests/kvalitet/test_admin.py).
        user.is_superuser = True
        user.save()
    # 500-svar samlas som fel i stället för att avbryta genomgången.
    klient = Client(raise_request_exception=False)
    klient.force_login(user)
    g = Granskning(namn, m)
    _granska_allt(namn, klient, g, ids, poster, personer)
    if namn == "ada":
        assert _granska_admin(klient, g) > 20, "adminsidorna gick inte att läsa, så de prövades inte"
    assert g.provade > 200
    if namn in ("kim", "sofia"):
        # Samordnaren når exporterna och PDF:erna; annars prövade genomgången dem inte.
        assert {"application/pdf", "text/csv"} <= g.typer and any("spreadsheet" in t for t in g.typer), (
            g.typer
        )
    assert not g.lackor and not g.fel, f"{len(g.lackor)} läckor, {len(g.fel)} fel:\n{g.rapport()}"


def test_every_marker_family_is_visible_to_someone_allowed(data, client):
    # Orakelts egenkontroll: varje familj syns för någon som får se den, så att testet ovan kan fallera.
    m, ids, poster, personer = data
    prov = {}
    for c in ("n1", "n2"):
        p = getattr(poster, c)
        hl, ks, chef = ("hanna", "kim", "erik") if c == "n1" else ("hugo", "sofia", "sofia")
        prov |= {
            f"brukare:{c}": (hl, f"/brukare/{p.b.pk}/"),
            f"skyddad:{c}": (hl, f"/brukare/{p.s.pk}/"),
            f"avvikelse:{c}:egen": (chef, f"/api/v1/avvikelser/{p.a_egen.pk}/"),
            f"avvikelse:{c}:anonym": (chef, f"/api/v1/avvikelser/{p.a_anonym.pk}/"),
            f"anonym:{c}": (f"anonym{c[-1]}", "/"),
            f"klagomal:{c}": (chef, f"/api/v1/klagomal/{p.klagomal.pk}/"),
            f"lexsarah_rubrik:{c}": (ks, f"/lexsarah/{p.lexsarah.pk}/"),
            f"lexsarah_rapport:{c}": (ks, f"/lexsarah/{p.lexsarah.pk}/"),
            f"lexsarah_utredning:{c}": (ks, f"/lexsarah/{p.lexsarah.pk}/"),
            f"lexsarah_rapportor:{c}": (ks, f"/lexsarah/{p.lexsarah.pk}/"),
            f"riskanalys:{c}": (ks, f"/riskanalys/{p.riskanalys.pk}/"),
            f"riskanalys_titel:{c}": (hl, "/uppfoljning/forandringar/ny/"),
            f"forandring:{c}": (hl, f"/uppfoljning/forandringar/{ids['forandring'][0 if c == 'n1' else 1]}/"),
            f"uppfoljning:{c}": (hl, f"/uppfoljning/arenden/{ids['arende'][0 if c == 'n1' else 2]}/"),
            f"ejverkstallt:{c}": (
                hl,
                f"/uppfoljning/ej-verkstallda/{ids['ejverkstallt'][0 if c == 'n1' else 1]}/",
            ),
            f"kvalitetsarbete:{c}": (ks, "/kvalitetsarbete/"),
            f"berattelse:{c}": (ks, f"/rapporter/{p.berattelse.pk}/"),
        }
    assert set(prov) | {"token:hugo"} == m.familjer, "en familj saknar egenkontroll"
    for familj, (namn, sokvag) in prov.items():
        assert familj in TILLATET[namn], (familj, namn)
        client.force_login(personer[namn])
        svar = client.get(sokvag)
        assert svar.status_code == 200, (familj, sokvag, svar.status_code)
        assert familj in m.hitta(_text(svar)), f"{familj} syns inte för {namn} på {sokvag}"
    # API-nyckeln visas med avsikt ingenstans; att den är en fungerande nyckel gör den till en hemlighet.
    nyckel = next(t for t, (f, _) in m.bokstavliga.items() if f == "token:hugo")
    client.logout()
    svar = [
        client.get("/api/v1/organisation/", HTTP_AUTHORIZATION=f"{s} {nyckel}") for s in ("Token", "Bearer")
    ]
    assert 200 in [x.status_code for x in svar], "nyckeln från create_api_token fungerar inte"
    assert "token:hugo" in m.hitta(f"x {nyckel.upper()} x"), "detektorn hittar inte nyckeln"


def test_no_email_contains_a_marker_the_recipient_may_not_see(data, settings):
    # Allt som skickar e-post: rapporterna i bygget lade notifikationer och bevakningar; svepet långt fram
    # i tiden gör alla påminnelser förfallna, och utkorgen skickar dem.
    import datetime

    from django.utils import timezone

    from kvalitet import services

    m, ids, poster, personer = data
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    from uppfoljning import services as uppfoljning_services

    nu = timezone.now() + datetime.timedelta(days=400)
    uppfoljning_services.svep(nu=nu)
    services.bevakningar_svep(nu=nu)
    # Åtgärdsregistrets påminnelser (försenade åtgärder, med åtgärdens text) prövas på samma sätt.
    from kvalitet import atgardsregister

    atgardsregister.paminnelser_svep(idag=timezone.localdate(nu))
    services.utkorg_skicka()
    epost = {p.email.lower(): namn for namn, p in personer.items() if p.email}
    assert mail.outbox, "ingen e-post skickades, så inget prövades"
    lackor, med_markor = [], 0
    for brev in mail.outbox:
        text = "\n".join([brev.subject, brev.body] + [str(a[0]) for a in getattr(brev, "alternatives", [])])
        med_markor += bool(m.hitta(text))
        for mottagare in brev.to + brev.cc + brev.bcc:
            namn = epost.get(mottagare.lower())
            tillatet = TILLATET.get(namn, set())
            for familj, var in m.hitta(text).items():
                if familj not in tillatet:
                    lackor.append(
                        f"{namn or mottagare} | e-post {brev.subject!r} | {familj} ({', '.join(sorted(var))})"
                    )
    assert not lackor, "\n".join(lackor)
    # Riskanalysens påminnelse bär åtgärdens text och analysens titel: innehållet prövades alltså.
    assert med_markor, "ingen e-post innehöll någon markör, så innehållet prövades inte"


def test_user_whose_role_has_expired_sees_nothing_of_the_committee(data, client):
    m, ids, poster, personer = data
    client.force_login(personer["utgangen"])
    sidor = [
        "/brukare/",
        "/avvikelser/",
        "/avvikelser/klagomal/",
        "/lexsarah/",
        "/riskanalys/",
        "/uppfoljning/forandringar/",
        "/kvalitetsarbete/",
        "/rapporter/",
        "/api/v1/brukare/",
        "/api/v1/avvikelser/",
        "/api/v1/lexsarah/",
    ]
    for sokvag in sidor:
        svar = client.get(sokvag)
        assert svar.status_code < 500, sokvag
        assert not m.hitta(_text(svar)), f"{sokvag} visar {m.hitta(_text(svar))} för en utgången roll"
    for sokvag in (
        f"/brukare/{poster.n1.b.pk}/",
        f"/avvikelser/{poster.n1.a_egen.pk}/",
        f"/lexsarah/{poster.n1.lexsarah.pk}/",
        f"/riskanalys/{poster.n1.riskanalys.pk}/",
        f"/rapporter/{poster.n1.berattelse.pk}/",
        f"/api/v1/brukare/{poster.n1.b.pk}/",
    ):
        assert client.get(sokvag).status_code in (403, 404), sokvag
    # Samma sidor med rollen giltig i dag visar nämnden: testet prövar alltså giltighetstiden.
    from kvalitet.models import Rolltilldelning

    Rolltilldelning.objects.filter(anvandare=personer["utgangen"]).update(giltig_till=None)
    assert client.get(f"/lexsarah/{poster.n1.lexsarah.pk}/").status_code == 200


# --- sökningar och filter ------------------------------------------------------------------------------

HX_ALLA = re.compile(r'hx-(?:get|post|put|patch|delete)="([^"]+)"')
ENSKILD_SOK = re.compile(r'name="([^"]+)__sok"[^>]*hx-get="([^"]+)" hx-vals="([^"]+)"')


def _eko_bort(text: str, q: str) -> str:
    """Det användaren själv sökte på står i sökrutan och i länkarna (värdet efter `=`); bara där tas det
    bort, så att en träff som visar det sökta ändå räknas."""
    for form in {q, quote_plus(q), quote(q)}:
        text = re.sub(rf'(?<=[="]){re.escape(form)}(?=["&]|$)', "", text, flags=re.IGNORECASE | re.M)
    return text


def _sokfragor(poster, personer) -> list[str]:
    """Frågor byggda av markörerna: skyddade efternamn, delar av personnummer, rapportörernas markörer."""
    n1, n2 = poster.n1, poster.n2
    return [
        n1.s.efternamn,
        n2.s.efternamn,
        n1.s.personnummer[:8],
        n2.s.personnummer[-4:],
        n2.b.personnummer[2:8],
        personer["anonym1"].last_name,
        personer["anonym2"].username,
        personer["lexsarah1"].first_name,
        personer["lexsarah2"].last_name,
    ]


def _api_listor():
    """(sökväg, [(parameter, typ, val)]) för varje lista i API-schemat."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for sokvag, operationer in schema["paths"].items():
        if "{" in sokvag or "get" not in operationer:
            continue
        parametrar = []
        for p in operationer["get"].get("parameters", []):
            if p["in"] != "query" or p["name"] in ("sida", "per_sida", "format"):
                continue
            s = p.get("schema", {})
            if "$ref" in s:
                namn = s["$ref"].rsplit("/", 1)[1]
                s = schema["components"]["schemas"][namn]
            parametrar.append((p["name"], s.get("type"), s.get("enum") or []))
        yield sokvag, parametrar


def _id_for(parameter: str, ids, personer) -> list[int]:
    """Id:n att filtrera på: andras skyddade och vanliga enskilda, handläggare, noder."""
    from kvalitet.models import OrgNod

    if parameter in ("brukare",):
        return ids["brukare"]
    if parameter in ("handlaggare", "ansvarig"):
        return [personer[n].pk for n in ("hanna", "hugo", "hilda", "anonym1", "lexsarah2")]
    if parameter in ("nod", "namnd", "enhet", "forelder"):
        return list(OrgNod.objects.filter(kod__in=("K", "N1", "N2", "E1", "E4")).values_list("pk", flat=True))
    slag = {"rapport": "lexsarah", "analys": "riskanalys", "arende": "arende", "forandring": "forandring"}
    return ids.get(slag.get(parameter, parameter), [])[:4]


def _sok_overallt(klient, g: Granskning, ids, poster, personer) -> int:
    from tests.sakerhet.test_formularfuzz import _sokvagar as _sidor_forsta
    from tests.sakerhet.test_formularfuzz import formular

    fragor = _sokfragor(poster, personer)
    sokta = 0

    def fraga(beskr, sokvag, parametrar, q="", **extra):
        nonlocal sokta
        svar = klient.get(sokvag, parametrar, **extra)
        sokta += 1
        g.provade += 1
        if svar.status_code >= 500:
            g.fel.append(f"{g.namn} | {beskr} | status {svar.status_code}")
        text = _text(svar)
        g.senaste = text
        if svar.status_code == 200:
            g.typer.add(svar.get("Content-Type", "").split(";")[0])
        _granska_text(g, beskr, _eko_bort(text, q) if q else text, sokvag)
        return svar

    # Sidorna (listor och detaljer): GET-formulärens sökrutor och filter, och sökfälten för enskilda.
    hx, enskild = set(), set()
    for sokvag in _sidor_forsta(ids):
        svar = klient.get(sokvag)
        if svar.status_code != 200 or "html" not in svar.get("Content-Type", ""):
            continue
        html = svar.content.decode(errors="replace")
        hx.update(u.replace("&amp;", "&").split("?")[0] for u in HX_ALLA.findall(html) if u.startswith("/"))
        for falt, url, vals in ENSKILD_SOK.findall(html):
            enskild.add((falt, url, vals.replace("&quot;", '"')))
        for form in formular(html, sokvag, post=False):
            text = [f["namn"] for f in form["falt"] if f["typ"] in ("text", "search", "")]
            val = [f for f in form["falt"] if f["val"] and f["typ"] in ("select", "radio", "checkbox")]
            for i, q in enumerate(fragor):
                param = {n: q for n in text}
                fraga(f"GET {form['action']}?{'&'.join(text)}={q}", form["action"], param, q)
                if i == 0:
                    fraga(
                        f"GET {form['action']}?…={q} [HX]", form["action"], param, q, HTTP_HX_REQUEST="true"
                    )
            for f in val:  # varje filtervärde, med den första frågan i sökrutan
                for v in f["val"][:8]:
                    param = {n: fragor[0] for n in text} | {f["namn"]: v}
                    fraga(f"GET {form['action']}?{f['namn']}={v}", form["action"], param, fragor[0])

    # Sökfälten för enskilda: varje urval, varje sammanhang, varje fråga, också de urval sidorna inte ger.
    for falt, url, vals in sorted(enskild) + [
        ("brukare", "/enskild/sok/", json.dumps({"urval": u, "falt": "brukare", "flera": 1}))
        for u in ("valja", "andra", "pagaende_insats")
    ]:
        for q in fragor:
            param = json.loads(vals) | {f"{falt}__sok": q}
            fraga(f"GET {url}?{vals} {falt}__sok={q}", url, param, q, HTTP_HX_REQUEST="true")

    # Varje htmx-del som någon sida hämtar eller skickar till, med HX-Request.
    for sokvag in sorted(hx):
        fraga(f"GET {sokvag} [HX-Request]", sokvag, {}, HTTP_HX_REQUEST="true")

    # API:ts listor: varje textparameter med varje fråga, id-parametrar med andras id:n, varje enum-värde.
    for sokvag, parametrar in _api_listor():
        for namn, typ, val in parametrar:
            if val:
                varden = [v for v in val if v]
            elif typ == "string" and namn not in ("fran", "till", "klar_senast_till"):
                varden = fragor
            elif typ in ("integer", "number"):
                varden = _id_for(namn, ids, personer)
            else:
                varden = ["true", "false"] if typ == "boolean" else []
            for v in varden:
                q = str(v) if typ == "string" and not val else ""
                fraga(f"GET {sokvag}?{namn}={v}", sokvag, {namn: v, "format": "json"}, q)
        for q in fragor[:3]:  # ?q= och ?search= som inte finns i schemat får inte heller visa något
            fraga(f"GET {sokvag}?q={q}&search={q}", sokvag, {"q": q, "search": q, "format": "json"}, q)
    return sokta


def _granska_text(g: Granskning, beskrivning: str, text: str, sokvag: str) -> None:
    """Samma bedömning som Granskning.svar, för en text där ekot av sökningen redan tagits bort."""
    funna = g.m.hitta(text)
    utan_val = g.m.hitta(VAL.sub("", text))
    for familj, falt in sorted(funna.items()):
        if familj in g.tillatet:
            continue
        if familj in RAPPORTORFAMILJER and familj not in utan_val:
            continue
        g.lackor.append(f"{g.namn} | {beskrivning} | {familj} ({', '.join(sorted(falt))})")


@pytest.mark.parametrize("namn", ANVANDARE)
def test_no_search_or_filter_shows_a_marker_the_role_table_forbids(namn, data):
    m, ids, poster, personer = data
    user = personer[namn]
    klient = Client(raise_request_exception=False)
    klient.force_login(user)
    g = Granskning(namn, m)
    sokta = _sok_overallt(klient, g, ids, poster, personer)
    assert sokta > 150, sokta
    assert not g.lackor and not g.fel, f"{len(g.lackor)} läckor, {len(g.fel)} fel:\n{g.rapport()}"


def test_the_search_sweep_sees_what_a_search_shows_to_the_case_officer(data):
    # Egenkontroll: samma svep som handläggaren i N1 hittar den skyddade personen hen själv har, via
    # sökfältet för enskilda; en roll utan den rätten gör det inte. Annars prövade sökningarna ingenting.
    m, ids, poster, personer = data
    klient = Client()
    klient.force_login(personer["hanna"])
    svar = klient.get(
        "/enskild/sok/",
        {"urval": "andra", "falt": "b", "flera": 1, "b__sok": poster.n1.s.efternamn},
        HTTP_HX_REQUEST="true",
    )
    text = _eko_bort(_text(svar), poster.n1.s.efternamn)
    assert "skyddad:n1" in m.hitta(text), text[-2000:]
    g = Granskning("hilda", m)
    g.tillatet = set()
    _granska_text(g, "egenkontroll", text, "/enskild/sok/")
    assert g.lackor, "bedömningen räknade inte en träff som visar det sökta"
