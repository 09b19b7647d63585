"""Direkt och indirekt kontakt, "uppföljd utan kontakt med den enskilde", eget val knutet till insatsen
och IVO-exportens period (förändringens och ärendets egna datum, inte inmatningsdagen)."""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import BrukareFactory, InsatsFactory, aktuell_version
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning import queries, services
from uppfoljning.models import Kontakt, Uppfoljningsarende

D = datetime.date


def _kontakt(a, med_vem, datum, av, **kw):
    return services.kontakt_registrera(
        kontakt=Kontakt(arende=a, datum=datum, kanal="telefon", med_vem=med_vem, **kw), av=av
    )


@pytest.fixture
def fyra(org, cast, brukare):
    """Fyra berörda i N1 vid E1: A direkt (enskild), B bara via utföraren, C närstående och utförare,
    D ingen kontakt."""
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    f.enheter.set([org.e1])
    a = arende(brukare.b1, forandring=f, nod=org.e1)
    b = arende(brukare.skyddad, forandring=f, nod=org.e1)
    c = arende(brukare.b3, forandring=f, nod=org.e1)
    d = arende(BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), forandring=f, nod=org.e1)
    _kontakt(a, "enskild", D(2026, 3, 4), cast.hanna)
    _kontakt(b, "utforare", D(2026, 3, 2), cast.hanna)
    _kontakt(c, "utforare", D(2026, 3, 2), cast.hanna)
    _kontakt(c, "narstaende", D(2026, 3, 6), cast.hanna)
    return {"f": f, "a": a, "b": b, "c": c, "d": d}


def test_only_direct_contact_counts_as_contact(org, cast, fyra):
    t = queries.tackning(cast.kim, org.n1)
    # Räknat för hand: A och C har direkt kontakt, B bara via utföraren, D ingen.
    assert t["berorda"] == 4 and t["kontaktade"] == 2 and t["bara_indirekt_kontakt"] == 1
    fyra["b"].refresh_from_db()
    fyra["c"].refresh_from_db()
    assert fyra["b"].forsta_kontakt is None and fyra["b"].indirekt_kontakt == D(2026, 3, 2)
    # C:s första kontakt är den direkta (6 mars), inte utförarens tidigare (2 mars).
    assert fyra["c"].forsta_kontakt == D(2026, 3, 6)
    assert "kontakt" in fyra["b"].saknas()
    rad = queries.tackning_per_namnd(cast.kim, org.n1)[0]
    assert (
        rad["kontaktade"] == 2 and rad["andel_kontaktade"] == 50 and rad["andel_bara_indirekt_kontakt"] == 25
    )
    svar = {s["fraga"]: s for s in queries.ivo_svar(cast.kim, org.n1)}
    kontakt = svar["Har nämnden tagit kontakt med de enskilda vars insatser förändrats?"]
    assert kontakt["svar"] == "Nej" and "Varav 1 bara kontaktade via utföraren" in kontakt["skal"]


def test_follow_up_on_indirect_information_is_its_own_gap(org, cast, fyra, logga_in):
    b = fyra["b"]
    with pytest.raises(ValidationError, match="indirekt information"):
        services.arende_folj_upp(
            arende=b, av=cast.hanna, uppfoljning_gjord=D(2026, 4, 1), utfall="ja", version=0
        )
    # Via webben: utan kryss ett svenskt fel, med kryss sparat som uppföljd utan kontakt.
    klient = logga_in(cast.hanna)
    url = f"/uppfoljning/arenden/{b.pk}/folj-upp/"
    svar = klient.post(url, {"uppfoljning_gjord": "2026-04-01", "utfall": "ja", "version": "0"})
    assert (
        svar.status_code == 400 and "eller ange att uppföljningen bygger på indirekt" in svar.content.decode()
    )
    svar = klient.post(
        url, {"uppfoljning_gjord": "2026-04-01", "utfall": "ja", "version": "0", "utan_kontakt": "on"}
    )
    assert svar.status_code == 302
    b.refresh_from_db()
    assert b.uppfoljd and b.uppfoljd_utan_kontakt and b.utan_kontakt_med_enskilde and not b.komplett
    sida = klient.get(f"/uppfoljning/arenden/{b.pk}/").content.decode()
    assert "Uppföljd utan kontakt med den enskilde" in sida and "Indirekt (via utföraren)" in sida
    # A följs upp efter direkt kontakt: ingen lucka.
    services.arende_folj_upp(
        arende=fyra["a"], av=cast.hanna, uppfoljning_gjord=D(2026, 4, 2), utfall="ja", version=0
    )
    t = queries.tackning(cast.kim, org.n1)
    assert t["uppfoljda"] == 2 and t["uppfoljda_utan_kontakt"] == 1 and t["uppfoljda_med_kontakt"] == 1
    assert {a.pk for a in queries.arenden(cast.kim, nod=org.n1, brist="uppfoljda_utan_kontakt")} == {b.pk}
    lucka = logga_in(cast.kim).get("/uppfoljning/tackning/uppfoljda_utan_kontakt/", {"nod": org.n1.pk})
    assert lucka.status_code == 200 and f"/uppfoljning/arenden/{b.pk}/" in lucka.content.decode()
    assert f"/uppfoljning/arenden/{fyra['a'].pk}/" not in lucka.content.decode()
    # Täckningssidan och IVO-exporten visar luckan.
    sida = logga_in(cast.kim).get("/uppfoljning/tackning/", {"nod": org.n1.pk}).content.decode()
    assert "Uppföljd utan kontakt med den enskilde" in sida
    rader = list(
        csv.reader(
            io.StringIO(
                logga_in(cast.kim)
                .get("/uppfoljning/ivo-svar.csv", {"nod": org.n1.pk})
                .content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    rad = next(r for r in rader if r[1] == "Har uppföljningen gjorts i kontakt med den enskilde?")
    assert rad[2] == "Nej" and rad[3] == "1" and "1 av 2 uppföljda utan kontakt" in rad[5]


def test_own_choice_is_tied_to_the_insats_unit_and_area(org, cast, brukare):
    insats = brukare.b3.insatser.get()  # vid E3 i område A2
    a = services.arende_skapa(brukare=brukare.b3, egen_typ="pausad_pa_begaran", insats=insats, av=cast.kim)
    assert a.nod == org.e3 and a.insats == insats
    assert queries.tackning(cast.kim, org.e3)["berorda"] == 1
    assert queries.tackning(cast.kim, org.a2)["berorda"] == 1
    assert queries.tackning(cast.kim, org.a1)["berorda"] == 0
    assert queries.tackning(cast.kim, org.n1)["berorda"] == 1
    # Någon annans insats går inte att knyta till ärendet.
    with pytest.raises(ValidationError):
        services.arende_skapa(
            brukare=brukare.b1, egen_typ="pausad_pa_begaran", insats=brukare.b4.insatser.get(), av=cast.kim
        )


def test_insats_field_is_limited_to_the_individuals_insatser_in_scope(logga_in, cast, brukare):
    klient = logga_in(cast.hanna)
    # b3:s insats hör inte till b1; b4:s insats (N2) är utanför Hannas scope.
    for insats in (brukare.b3.insatser.get(), brukare.b4.insatser.get()):
        svar = klient.post(
            "/uppfoljning/arenden/ny/",
            {"brukare": brukare.b1.pk, "egen_typ": "pausad_pa_begaran", "insats": insats.pk},
        )
        assert svar.status_code == 200
    assert not Uppfoljningsarende.objects.exists()
    sida = klient.get("/uppfoljning/arenden/ny/").content.decode()
    assert "Insats som den enskilde pausat eller tackat nej till" in sida and "Björk" not in sida


def test_ivo_export_period_counts_a_case_entered_after_the_period(org, cast, brukare, logga_in):
    """Förändringen i första kvartalet, ärendet inmatat i dag (efter perioden): räknas för kvartalet."""
    q1 = ForandringFactory(nod=org.n1, giltig_fran=D(2026, 3, 1), skapad_av=cast.kim)
    q2 = ForandringFactory(nod=org.n1, giltig_fran=D(2026, 5, 1), skapad_av=cast.kim)
    sen = arende(brukare.b1, forandring=q1, nod=org.e1)
    arende(brukare.b3, forandring=q2, nod=org.e3)
    # Eget val i mars, inmatat i dag; ett annat eget val utan datum med en kontakt i mars.
    eget = services.arende_skapa(
        brukare=brukare.skyddad,
        egen_typ="avslutad",
        insats=brukare.skyddad.insatser.get(),
        eget_val_datum=D(2026, 3, 20),
        av=cast.hanna,
    )
    utan_datum = arende(brukare.skyddad_annan, nod=org.e1)
    _kontakt(utan_datum, "enskild", D(2026, 3, 10), cast.kim)
    # Dagen i Sverige (skapad är UTC): efter 23 UTC är det redan nästa dag här.
    assert timezone.localdate(sen.skapad) == timezone.localdate() > D(2026, 3, 31)
    fran, till = D(2026, 1, 1), D(2026, 3, 31)
    t = queries.tackning(cast.kim, org.n1, fran, till)
    assert t["berorda"] == 3 and t["forandringar"] == 1
    assert {a.pk for a in queries.arenden(cast.kim, nod=org.n1, fran=fran, till=till)} == {
        sen.pk,
        eget.pk,
        utan_datum.pk,
    }
    assert queries.tackning(cast.kim, org.n1, D(2026, 4, 1), D(2026, 6, 30))["berorda"] == 1
    # Inmatningsdagens period (i dag) har inga av dem.
    assert queries.tackning(cast.kim, org.n1, timezone.localdate(), timezone.localdate())["berorda"] == 0
    svar = logga_in(cast.kim).get(
        "/uppfoljning/ivo-svar.csv", {"nod": org.n1.pk, "fran": "2026-01-01", "till": "2026-03-31"}
    )
    rader = list(csv.reader(io.StringIO(svar.content.decode("utf-8-sig")), delimiter=";"))
    kontakt = next(r for r in rader if r[1].startswith("Har nämnden tagit kontakt"))
    assert kontakt[4] == "3" and kontakt[3] == "1"


def test_migration_derives_route_and_ties_old_own_choices(org, cast, brukare):
    """Migrationens datafunktion på rader som sparats förbi tjänsten (som före migrationen)."""
    from importlib import import_module

    migration = import_module("uppfoljning.migrations.0003_kontaktvag_rost_och_eget_val")
    f = ForandringFactory(nod=org.n1, skapad_av=cast.kim)
    indirekt = arende(
        brukare.b1,
        forandring=f,
        nod=org.e1,
        forsta_kontakt=D(2026, 3, 2),
        uppfoljning_gjord=D(2026, 4, 1),
        utfall="ja",
    )
    Kontakt.objects.create(
        arende=indirekt, datum=D(2026, 3, 2), kanal="telefon", med_vem="utforare", gjord_av=cast.hanna
    )
    direkt = arende(brukare.b3, forandring=f, nod=org.e3, forsta_kontakt=D(2026, 3, 1))
    Kontakt.objects.create(
        arende=direkt, datum=D(2026, 3, 1), kanal="telefon", med_vem="utforare", gjord_av=cast.hanna
    )
    Kontakt.objects.create(
        arende=direkt, datum=D(2026, 3, 5), kanal="hembesok", med_vem="enskild", gjord_av=cast.hanna
    )
    eget = arende(brukare.skyddad)  # eget val utan insats, brukaren har en insats (E1)
    InsatsFactory(brukare=brukare.skyddad_annan, enhet=org.e2)
    tva = arende(brukare.skyddad_annan)  # två insatser: lämnas utan
    migration.harled_kontaktvag_och_insats(apps, None)
    for a in (indirekt, direkt, eget, tva):
        a.refresh_from_db()
    assert indirekt.forsta_kontakt is None and indirekt.indirekt_kontakt == D(2026, 3, 2)
    assert indirekt.uppfoljd_utan_kontakt and indirekt.utan_kontakt_med_enskilde
    assert direkt.forsta_kontakt == D(2026, 3, 5) and direkt.indirekt_kontakt == D(2026, 3, 1)
    assert not direkt.uppfoljd_utan_kontakt
    assert eget.insats == brukare.skyddad.insatser.get() and eget.nod == org.e1
    assert tva.insats is None and tva.nod == org.n1


def test_follow_up_is_version_locked(org, cast, fyra):
    from kvalitet.samtidighet import Krock

    a = fyra["a"]
    services.arende_folj_upp(arende=a, av=cast.hanna, uppfoljning_gjord=D(2026, 4, 1), utfall="ja", version=0)
    with pytest.raises(Krock):
        services.arende_folj_upp(
            arende=a, av=cast.kim, uppfoljning_gjord=D(2026, 4, 2), utfall="nej", utan_kontakt=True, version=0
        )
    a.refresh_from_db()
    assert a.utfall == "ja" and not a.uppfoljd_utan_kontakt and aktuell_version(a) == 1


def test_indirect_follow_up_keeps_the_case_incomplete_even_after_direct_contact(org, cast, fyra):
    a = fyra["a"]  # direkt kontakt 4 mars
    services.arende_bedom(
        arende=a, av=cast.hanna, version=0, behov_bedomt=D(2026, 3, 5), atgarder_behovs=False
    )
    services.arende_folj_upp(
        arende=a, av=cast.hanna, uppfoljning_gjord=D(2026, 4, 1), utfall="ja", utan_kontakt=True, version=1
    )
    a.refresh_from_db()
    assert a.saknas() == ["uppföljning i kontakt med den enskilde"] and not a.komplett
    t = queries.tackning(cast.kim, org.n1)
    assert t["kompletta"] == 0 and t["uppfoljda_utan_kontakt"] == 1 and t["kontaktade"] == 2
    assert a.pk in {x.pk for x in queries.arenden(cast.kim, nod=org.n1, brist="ej_kompletta")}
