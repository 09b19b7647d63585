"""Den enskildes röst: tre korta svar och ett citat vid direkt kontakt, andelar per nämnd och område,
samordnarens val av citat (låst mot versionen) och `enskildas_rost` utan namn."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from kvalitet.samtidighet import Krock
from tests.api.factories import token_klient
from tests.factories import aktuell_version
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning import queries, services
from uppfoljning.models import Kontakt

D = datetime.date
DAG = D(2026, 3, 5)


def _rost(a, av, med_vem="enskild", datum=DAG, **svar):
    return services.kontakt_registrera(
        kontakt=Kontakt(arende=a, datum=datum, kanal="hembesok", med_vem=med_vem, **svar), av=av
    )


@pytest.fixture
def roster(org, cast, brukare):
    """N1: tre svar vid E1 (område A1), ett vid E3 (A2); N2: ett vid E4. Plus en kontakt utan röst."""
    f1 = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    f2 = ForandringFactory(nod=org.n2, skapad_av=cast.hugo)
    a_b1 = arende(brukare.b1, forandring=f1, nod=org.e1)
    a_sk = arende(brukare.skyddad, forandring=f1, nod=org.e1)
    a_b3 = arende(brukare.b3, forandring=f1, nod=org.e3)
    a_b4 = arende(brukare.b4, forandring=f2, nod=org.e4)
    k = {
        "b1": _rost(
            a_b1,
            cast.hanna,
            rost_delaktig="ja",
            rost_behov="ja",
            rost_upplevelse="bra",
            citat="Jag fick vara med och bestämma när dagverksamheten flyttade.",
        ),
        "b1_igen": _rost(a_b1, cast.hanna, med_vem="narstaende", rost_delaktig="nej", rost_behov="delvis"),
        "skyddad": _rost(
            a_sk,
            cast.hanna,
            rost_delaktig="ja",
            rost_upplevelse="dalig",
            citat="Ingen ringde förrän det var för sent.",
        ),
        "b3": _rost(
            a_b3, cast.kim, rost_delaktig="vill_inte", rost_upplevelse="varken", citat="Det blev bra."
        ),
        "b4": _rost(a_b4, cast.hugo, rost_delaktig="nej", rost_behov="nej", citat="Jag saknar träffarna."),
        "tom": _rost(a_b3, cast.kim, med_vem="utforare"),
    }
    return k


def _fraga(rost, falt):
    f = next(f for f in rost["fragor"] if f["falt"] == falt)
    return f["svarade"], {s["varde"]: (s["antal"], s["andel"]) for s in f["svar"]}


def test_voice_shares_per_committee_and_area(org, cast, roster):
    r = queries.enskildas_rost(cast.lars, org.k)
    # Räknat för hand: delaktig ja 2 (b1, skyddad), nej 2 (b1 igen, b4), vill inte 1 = 5 svarade.
    assert r["svar"] == 5
    svarade, delaktig = _fraga(r, "rost_delaktig")
    assert svarade == 5 and delaktig["ja"] == (2, 40) and delaktig["nej"] == (2, 40)
    assert delaktig["vill_inte"] == (1, 20) and delaktig["delvis"] == (0, 0)
    namnder = {n["namn"]: n for n in r["per_namnd"]}
    svarade, delaktig = _fraga(namnder["Nämnd N1"], "rost_delaktig")
    assert svarade == 4 and delaktig["ja"] == (2, 50) and delaktig["nej"] == (1, 25)
    svarade, upplevelse = _fraga(namnder["Nämnd N1"], "rost_upplevelse")
    assert svarade == 3 and upplevelse["bra"] == (1, 33) and upplevelse["dalig"] == (1, 33)
    assert _fraga(namnder["Nämnd N2"], "rost_behov") == (
        1,
        {"ja": (0, 0), "delvis": (0, 0), "nej": (1, 100), "vill_inte": (0, 0)},
    )
    omraden = {o["namn"]: o for o in r["per_omrade"]}
    assert omraden["Område A1"]["svar"] == 3 and omraden["Område A2"]["svar"] == 1
    assert omraden["Område A3"]["svar"] == 1
    # Ledningen får andelarna men inga citat; perioden gäller kontaktens datum.
    assert r["citat"] == []
    assert queries.enskildas_rost(cast.lars, org.k, D(2026, 4, 1), None)["svar"] == 0
    # Samordnaren i N2 ser bara sin nämnd.
    assert queries.enskildas_rost(cast.sofia, org.k)["svar"] == 1


def test_voice_only_at_direct_contact(org, cast, brukare, logga_in):
    a = arende(brukare.b1, forandring=ForandringFactory(nod=org.n1, skapad_av=cast.hanna), nod=org.e1)
    with pytest.raises(ValidationError, match="bara registreras vid direkt kontakt"):
        _rost(a, cast.hanna, med_vem="utforare", rost_behov="ja")
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/arenden/{a.pk}/kontakt/",
        {"datum": "2026-03-05", "kanal": "telefon", "med_vem": "utforare", "citat": "Hon mår bra."},
    )
    assert svar.status_code == 400 and "bara registreras vid direkt kontakt" in svar.content.decode()
    assert not Kontakt.objects.exists()
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/arenden/{a.pk}/kontakt/",
        {"datum": "2026-03-05", "kanal": "telefon", "med_vem": "enskild", "citat": "x" * 301},
    )
    assert svar.status_code == 400 and not Kontakt.objects.exists()
    # Formuläret varnar för namn i citatet, och citatet sparas som det skrevs (inget rensas i tysthet).
    sida = logga_in(cast.hanna).get(f"/uppfoljning/arenden/{a.pk}/").content.decode()
    assert "Citatet får inte innehålla namn" in sida and "Hur upplevde den enskilde kontakten?" in sida
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/arenden/{a.pk}/kontakt/",
        {
            "datum": "2026-03-05",
            "kanal": "telefon",
            "med_vem": "enskild",
            "rost_delaktig": "delvis",
            "rost_upplevelse": "bra",
            "citat": "Greta Gran tycker att det blev bättre.",
        },
    )
    assert svar.status_code == 302
    k = Kontakt.objects.get()
    assert k.citat == "Greta Gran tycker att det blev bättre." and k.rost_delaktig == "delvis"


def test_coordinator_chooses_quotes_for_own_committee_only(org, cast, roster, logga_in):
    k = roster["b1"]
    # Handläggaren får inte välja; samordnaren i en annan nämnd hittar inte kontakten.
    assert logga_in(cast.hanna).get("/uppfoljning/citat/").status_code == 404
    assert (
        logga_in(cast.hanna)
        .post(f"/uppfoljning/citat/{k.pk}/valj/", {"valt": "1", "version": "0"})
        .status_code
        == 404
    )
    assert (
        logga_in(cast.sofia)
        .post(f"/uppfoljning/citat/{k.pk}/valj/", {"valt": "1", "version": "0"})
        .status_code
        == 404
    )
    with pytest.raises(ValidationError, match="Bara nämndens kvalitetssamordnare"):
        services.citat_valj(kontakt=k, av=cast.hanna, valt=True, version=0)
    with pytest.raises(ValidationError, match="Bara nämndens kvalitetssamordnare"):
        services.citat_valj(kontakt=k, av=cast.sofia, valt=True, version=0)
    k.refresh_from_db()
    assert not k.citat_valt
    svar = logga_in(cast.kim).post(f"/uppfoljning/citat/{k.pk}/valj/", {"valt": "1", "version": "0"})
    assert svar.status_code == 302
    k.refresh_from_db()
    assert k.citat_valt and k.citat_valt_av == cast.kim and aktuell_version(k) == 1
    r = queries.enskildas_rost(cast.kim, org.n1)
    assert r["citat"] == [
        {"text": "Jag fick vara med och bestämma när dagverksamheten flyttade.", "fran": "Den enskilde"}
    ]


def test_choosing_a_quote_is_version_locked(org, cast, roster, logga_in):
    k = roster["b3"]
    services.citat_valj(kontakt=k, av=cast.kim, valt=True, version=0)
    with pytest.raises(Krock):
        services.citat_valj(kontakt=k, av=cast.kim, valt=False, version=0)
    k.refresh_from_db()
    assert k.citat_valt
    # I webben: den inaktuella versionen ger krockmeddelandet och ingenting sparas.
    svar = logga_in(cast.kim).post(f"/uppfoljning/citat/{k.pk}/valj/", {"valt": "0", "version": "0"})
    assert svar.status_code == 400 and "har ändrats" in svar.content.decode()
    k.refresh_from_db()
    assert k.citat_valt


def test_voice_surfaces_never_reveal_a_protected_person(
    org, cast, brukare, roster, logga_in, django_assert_max_num_queries
):
    services.citat_valj(kontakt=roster["b1"], av=cast.kim, valt=True, version=0)
    with pytest.raises(ValidationError, match="skyddad identitet"):
        services.citat_valj(kontakt=roster["skyddad"], av=cast.kim, valt=True, version=0)
    Kontakt.objects.filter(pk=roster["skyddad"].pk).update(citat_valt=True)  # även om den valts förbi sidan
    klient = logga_in(cast.kim)
    with django_assert_max_num_queries(15):  # konstant: sessionen, rollerna, noderna, en sida citat, loggen
        sida = klient.get("/uppfoljning/citat/", {"nod": org.n1.pk})
    html = sida.content.decode()
    assert sida.status_code == 200 and "Jag fick vara med" in html and "Det blev bra." in html
    # Inga namn alls på sidan, och den skyddades citat visas inte (ett citat kan peka ut henne).
    for namn in ("Greta", "Gran", "Tore", "Tall", "Hemlig", "Person", "Dold", brukare.skyddad.personnummer):
        assert namn not in html
    assert "Ingen ringde" not in html
    r = queries.enskildas_rost(cast.kim, org.n1)
    text = json.dumps(r, ensure_ascii=False)
    assert "Ingen ringde" not in text and [c["text"] for c in r["citat"]] == [roster["b1"].citat]
    for b in (brukare.b1, brukare.skyddad, brukare.b3):
        assert b.fornamn not in text and b.efternamn not in text and b.personnummer not in text
    tackning = klient.get("/uppfoljning/tackning/", {"nod": org.n1.pk}).content.decode()
    assert "Den enskildes röst" in tackning and "Ingen ringde" not in tackning and "Hemlig" not in tackning
    # Ledningen ser andelarna på täckningssidan men inga citat och ingen citatsida.
    lars = logga_in(cast.lars)
    tackning = lars.get("/uppfoljning/tackning/", {"nod": org.k.pk}).content.decode()
    assert "Den enskildes röst" in tackning and "Jag fick vara med" not in tackning
    assert lars.get("/uppfoljning/citat/").status_code == 404


def test_api_exposes_route_and_voice_with_the_same_access(org, cast, roster):
    svar = token_klient(cast.hanna).get("/api/v1/uppfoljningskontakter/", {"arende": roster["b1"].arende_id})
    assert svar.status_code == 200
    rader = {r["id"]: r for r in svar.json()["results"]}
    k = rader[roster["b1"].pk]
    assert k["vag"] == "direkt" and k["rost_delaktig"] == "ja" and k["rost_upplevelse"] == "bra"
    assert k["citat"] == roster["b1"].citat and k["citat_valt"] is False
    alla = (
        token_klient(cast.kim)
        .get("/api/v1/uppfoljningskontakter/", {"med_vem": "utforare"})
        .json()["results"]
    )
    assert [r["id"] for r in alla] == [roster["tom"].pk] and alla[0]["vag"] == "indirekt"
    # Hugo (N2) och ledningen ser inte N1:s kontakter.
    hugo = token_klient(cast.hugo).get("/api/v1/uppfoljningskontakter/").json()["results"]
    assert {r["id"] for r in hugo} == {roster["b4"].pk}
    assert token_klient(cast.lars).get("/api/v1/uppfoljningskontakter/").json().get("results", []) == []
    arende = token_klient(cast.hanna).get(f"/api/v1/uppfoljningsarenden/{roster['b1'].arende_id}/").json()
    assert arende["uppfoljd_utan_kontakt"] is False and arende["utan_kontakt_med_enskilde"] is False
    assert arende["indirekt_kontakt"] is None and "eget_val_datum" in arende
    tackning = token_klient(cast.lars).get("/api/v1/uppfoljning-tackning/", {"nod": org.n1.pk}).json()
    assert tackning["kontaktade"] == 3 and tackning["bara_indirekt_kontakt"] == 0
    assert tackning["uppfoljda_utan_kontakt"] == 0 and tackning["uppfoljda_med_kontakt"] == 0


def test_voice_at_follow_up_is_logged_as_a_direct_contact(org, cast, brukare, logga_in):
    a = arende(brukare.b1, forandring=ForandringFactory(nod=org.n1, skapad_av=cast.hanna), nod=org.e1)
    klient = logga_in(cast.hanna)
    url = f"/uppfoljning/arenden/{a.pk}/folj-upp/"
    bas = {"uppfoljning_gjord": "2026-04-01", "utfall": "delvis", "version": "0"}
    # Svar utan vem och kanal, eller tillsammans med "indirekt information", sparas inte.
    svar = klient.post(url, {**bas, "rost_behov": "delvis"})
    assert svar.status_code == 400 and "Ange vem som lämnade svaren." in svar.content.decode()
    svar = klient.post(
        url,
        {
            **bas,
            "rost_behov": "delvis",
            "rost_med_vem": "enskild",
            "rost_kanal": "hembesok",
            "utan_kontakt": "on",
        },
    )
    assert svar.status_code == 400 and "förutsätter kontakt med den enskilde" in svar.content.decode()
    assert not Kontakt.objects.exists()
    svar = klient.post(
        url,
        {
            **bas,
            "rost_med_vem": "narstaende",
            "rost_kanal": "hembesok",
            "rost_delaktig": "nej",
            "rost_behov": "delvis",
            "rost_upplevelse": "bra",
            "citat": "Mamma vill ha tillbaka sina promenader.",
        },
    )
    assert svar.status_code == 302
    a.refresh_from_db()
    k = Kontakt.objects.get()
    assert (k.datum, k.med_vem, k.kanal, k.rost_delaktig, k.rost_behov, k.rost_upplevelse) == (
        D(2026, 4, 1),
        "narstaende",
        "hembesok",
        "nej",
        "delvis",
        "bra",
    )
    assert a.uppfoljd and a.forsta_kontakt == D(2026, 4, 1) and not a.utan_kontakt_med_enskilde
    assert queries.enskildas_rost(cast.kim, org.n1)["svar"] == 1
