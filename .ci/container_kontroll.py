"""Kontroller över HTTP mot containrarna i .ci/container-test (bara standardbiblioteket).

    container_kontroll.py BAS_URL VÄRD halsa
    container_kontroll.py BAS_URL VÄRD bilaga-ladda-upp TILLSTÅNDSFIL
    container_kontroll.py BAS_URL VÄRD bilaga-hamta TILLSTÅNDSFIL
    container_kontroll.py BAS_URL VÄRD pdf TOKEN

Appen körs i produktionsläge bakom en tänkt TLS-proxy: varje begäran bär Host (ett av ALLOWED_HOSTS) och
X-Forwarded-Proto: https, som produktionsinställningarna litar på (SECURE_PROXY_SSL_HEADER). Cookies är
Secure och skickas därför för hand (urllib skulle inte skicka dem över http).
"""

import hashlib
import http.client
import json
import re
import sys
import time
import urllib.parse
import uuid

ANVANDARE = "enhetschef"
LOSENORD = "demo-kvalitet-2026"  # noqa: S105 (demokommunens kända lösenord)


class Klient:
    def __init__(self, bas: str, vard: str):
        delar = urllib.parse.urlsplit(bas)
        self.vard_port = (delar.hostname, delar.port or 80)
        self.vard = vard
        self.cookies: dict[str, str] = {}

    def fraga(self, metod, sokvag, *, data=None, typ=None, huvuden=None):
        h = {"Host": self.vard, "X-Forwarded-Proto": "https", **(huvuden or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if metod == "POST":
            h["Origin"] = f"https://{self.vard}"
            h["Referer"] = f"https://{self.vard}{sokvag}"
        if typ:
            h["Content-Type"] = typ
        anslutning = http.client.HTTPConnection(*self.vard_port, timeout=30)
        try:
            anslutning.request(metod, sokvag, body=data, headers=h)
            svar = anslutning.getresponse()
            kropp = svar.read()
        finally:
            anslutning.close()
        for rad in svar.headers.get_all("Set-Cookie") or []:
            namn, _, varde = rad.split(";", 1)[0].partition("=")
            self.cookies[namn.strip()] = varde.strip()
        return svar.status, svar.headers, kropp

    def get(self, sokvag, **kw):
        return self.fraga("GET", sokvag, **kw)

    def csrf(self, html: bytes) -> str:
        traff = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert traff, "ingen CSRF-token i formuläret"
        return traff.group(1).decode()

    def logga_in(self, anvandare: str, losenord: str):
        status, _, html = self.get("/login/")
        assert status == 200, f"/login/ gav {status}"
        falt = {"csrfmiddlewaretoken": self.csrf(html), "username": anvandare, "password": losenord}
        status, huvuden, _ = self.fraga(
            "POST", "/login/", data=urllib.parse.urlencode(falt), typ="application/x-www-form-urlencoded"
        )
        assert status == 302, f"inloggningen gav {status}"
        status, _, html = self.get(huvuden["Location"])
        assert status == 200 and b"Mina uppgifter" in html, f"startsidan efter inloggning gav {status}"


def fel(meddelande: str):
    print(f"FEL: {meddelande}", file=sys.stderr)
    sys.exit(1)


def halsa(k: Klient):
    status, huvuden, kropp = k.get("/health/", huvuden={"Accept": "application/json"})
    assert status == 200, f"/health/ gav {status}: {kropp[:200]!r}"
    data = json.loads(kropp)
    print(f"/health/ 200: {data}")
    # Produktionens säkerhetshuvuden följer med (HSTS över den tänkta TLS-proxyn).
    assert "max-age=" in (huvuden.get("Strict-Transport-Security") or ""), "ingen HSTS i produktion"
    # Utan X-Forwarded-Proto (rak http) skickas användaren till https.
    anslutning = http.client.HTTPConnection(*k.vard_port, timeout=30)
    anslutning.request("GET", "/login/", headers={"Host": k.vard})
    svar = anslutning.getresponse()
    assert svar.status == 301 and svar.headers["Location"].startswith("https://"), svar.status
    anslutning.close()


def bilaga_ladda_upp(k: Klient, tillstand: str):
    k.logga_in(ANVANDARE, LOSENORD)
    print(f"inloggad som {ANVANDARE} (produktion, ingen tvåfaktor för rollen)")
    status, _, html = k.get("/avvikelser/")
    assert status == 200, f"/avvikelser/ gav {status}"
    ider = re.findall(rb'href="/avvikelser/(\d+)/"', html)
    assert ider, "inga avvikelser i kön"
    pk = ider[0].decode()
    status, _, html = k.get(f"/avvikelser/{pk}/")
    assert status == 200 and b'name="fil"' in html, f"avvikelse {pk}: {status}, inget bilageformulär"
    innehall = b"%PDF-1.4\n% containertest " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    grans = uuid.uuid4().hex
    kropp = (
        (
            f'--{grans}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{k.csrf(html)}\r\n'
            f'--{grans}\r\nContent-Disposition: form-data; name="fil"; filename="containertest.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + innehall
        + f"\r\n--{grans}--\r\n".encode()
    )
    status, huvuden, _ = k.fraga(
        "POST", f"/avvikelser/{pk}/bilaga/", data=kropp, typ=f"multipart/form-data; boundary={grans}"
    )
    assert status == 302, f"uppladdningen gav {status}"
    _, _, html = k.get(f"/avvikelser/{pk}/")
    lankar = re.findall(rb'href="(/avvikelser/bilaga/\d+/)">containertest', html)
    assert lankar, "bilagan syns inte på avvikelsen"
    lank = lankar[-1].decode()
    status, _, fil = k.get(lank)
    assert status == 200 and fil == innehall, f"{lank} gav {status}, {len(fil)} byte"
    with open(tillstand, "w") as f:
        json.dump({"lank": lank, "sha256": hashlib.sha256(innehall).hexdigest()}, f)
    print(f"bilaga uppladdad till avvikelse {pk} och hämtad: {lank}")


def bilaga_hamta(k: Klient, tillstand: str):
    with open(tillstand) as f:
        sparat = json.load(f)
    k.logga_in(ANVANDARE, LOSENORD)
    status, _, fil = k.get(sparat["lank"])
    assert status == 200, f"{sparat['lank']} gav {status} efter ny web-container"
    assert hashlib.sha256(fil).hexdigest() == sparat["sha256"], "bilagan har ändrats"
    print(f"bilagan {sparat['lank']} finns kvar och är oförändrad i den nya web-containern")


def pdf(k: Klient, token: str, tidsgrans: float = 300):
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    status, _, kropp = k.get("/api/v1/kvalitetsberattelser/", huvuden=auth)
    assert status == 200, f"API-listan gav {status}: {kropp[:200]!r}"
    berattelser = json.loads(kropp)["results"]
    assert berattelser, "kvalitetssamordnaren ser ingen kvalitetsberättelse"
    pk = berattelser[0]["id"]
    status, _, kropp = k.fraga("POST", f"/api/v1/kvalitetsberattelser/{pk}/bygg/", huvuden=auth)
    assert status == 202, f"beställningen gav {status}: {kropp[:200]!r}"
    slut = time.monotonic() + tidsgrans
    while True:
        _, _, kropp = k.get(f"/api/v1/kvalitetsberattelser/{pk}/", huvuden=auth)
        lage = json.loads(kropp)["pdf_status"]
        if lage == "klar":
            break
        assert lage != "fel", "PDF-bygget misslyckades"
        assert time.monotonic() < slut, f"ingen PDF inom {tidsgrans} s (läge {lage})"
        time.sleep(2)
    status, huvuden, fil = k.get(
        f"/api/v1/kvalitetsberattelser/{pk}/pdf/", huvuden={**auth, "Accept": "application/pdf"}
    )
    assert status == 200 and fil.startswith(b"%PDF-"), f"PDF:en gav {status}"
    print(f"kvalitetsberättelse {pk}: PDF byggd i bakgrunden, {len(fil)} byte")


def main(argv):
    bas, vard, steg, *rest = argv
    k = Klient(bas, vard)
    try:
        {"halsa": halsa, "bilaga-ladda-upp": bilaga_ladda_upp, "bilaga-hamta": bilaga_hamta, "pdf": pdf}[
            steg
        ](k, *rest)
    except AssertionError as undantag:
        fel(f"{steg}: {undantag}")


if __name__ == "__main__":
    main(sys.argv[1:])
