import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from avvikelser import queries, services
from avvikelser.models import Avvikelse, AvvikelseStatus, Handelse, Klagomal, OppenInlamning
from kvalitet.models import Atkomstlogg, Notifikation
from kvalitet.services import bevakningar_svep
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, OrsakFactory

S = AvvikelseStatus


@pytest.fixture
def kategori(db):
    return KategoriFactory(namn="Omsorg")


def _rapportera(user, enhet, **kw):
    a = AvvikelseFactory.build(
        enhet=enhet, kategori=kw.pop("kategori", None) or KategoriFactory(namn="Omsorg"), **kw
    )
    return services.avvikelse_rapportera(avvikelse=a, av=user)


# --- rapportering -----------------------------------------------------------------------------------


def test_staff_reports_and_gets_reference_number(org, cast, kategori, logga_in):
    klient = logga_in(cast.pia)
    svar = klient.post(
        reverse("avvikelser:rapportera"),
        {
            "enhet": org.e1.pk,
            "handelsetid": "2026-01-10T08:30",
            "lag": "SoL",
            "kategori": kategori.pk,
            "beskrivning": "Besöket kl 8 blev inte av.",
        },
    )
    assert svar.status_code == 302
    a = Avvikelse.objects.get()
    assert a.rapporterad_av == cast.pia and a.referensnummer.startswith("AV-")
    assert a.handelser.filter(till_status=S.RAPPORTERAD).count() == 1
    mina = klient.get(reverse("avvikelser:mina"))
    assert a.referensnummer in mina.content.decode()


def test_invalid_report_keeps_every_value_with_swedish_errors(org, cast, kategori, logga_in):
    svar = logga_in(cast.pia).post(
        reverse("avvikelser:rapportera"),
        {
            "enhet": org.e1.pk,
            "handelsetid": "inte ett datum",
            "lag": "SoL",
            "kategori": kategori.pk,
            "beskrivning": "Kort men sparad text",
            "atgard_direkt": "Ringde sjuksköterskan",
        },
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Ringde sjuksköterskan" in html and "Kort men sparad text" in html
    assert "Ange" in html or "giltig" in html
    assert not Avvikelse.objects.exists()


def test_retired_category_is_not_offered_but_stays_on_old_records(org, cast, logga_in):
    annat = KategoriFactory(namn="Annat")
    gammal = _rapportera(cast.pia, org.e1, kategori=annat)
    annat.aktiv = False
    annat.save()
    html = logga_in(cast.pia).get(reverse("avvikelser:rapportera")).content.decode()
    assert ">Annat<" not in html
    gammal.refresh_from_db()
    assert gammal.kategori.namn == "Annat"


def test_reporter_sees_own_text_and_status_but_no_forms(org, cast, kategori, logga_in):
    # Issue 18: rapportören läser sin egen text (återkopplingen kommer när avvikelsen är avslutad).
    egen = _rapportera(cast.pia, org.e1, beskrivning="Egen detaljtext om händelsen")
    annans = _rapportera(cast.erik, org.e1)
    klient = logga_in(cast.pia)
    svar = klient.get(reverse("avvikelser:detalj", args=[egen.pk]))
    html = svar.content.decode()
    assert svar.status_code == 200 and "Rapporterad" in html
    assert "Egen detaljtext" in html and "Du får en återkoppling här" in html
    assert "<form" not in html.split("<main", 1)[1]
    assert klient.get(reverse("avvikelser:detalj", args=[annans.pk])).status_code == 404
    assert klient.get(reverse("avvikelser:index")).status_code == 302


# --- åtkomst ----------------------------------------------------------------------------------------


def test_manager_never_sees_other_units_deviation(org, cast, kategori, logga_in):
    e1 = _rapportera(cast.pia, org.e1, beskrivning="Händelse vid E1 som Elsa inte får se")
    klient = logga_in(cast.elsa)
    svar = klient.get(reverse("avvikelser:detalj", args=[e1.pk]))
    assert svar.status_code == 404 and "Elsa inte får se" not in svar.content.decode()
    lista = klient.get(reverse("avvikelser:index")).content.decode()
    assert e1.referensnummer not in lista


@pytest.mark.parametrize(
    ("namn", "ser_e1", "ser_e4"),
    [
        ("erik", True, False),
        ("vera", True, False),
        ("kim", True, False),
        ("sofia", False, True),
        ("elsa", False, False),
        ("lars", False, False),
        ("hanna", False, False),
    ],
)
def test_each_role_sees_the_right_queue(org, cast, kategori, namn, ser_e1, ser_e4):
    a1 = _rapportera(cast.pia, org.e1)
    a4 = _rapportera(cast.pia, org.e4)
    user = getattr(cast, namn)
    synliga = set(queries.ko(user).values_list("pk", flat=True))
    assert (a1.pk in synliga) == ser_e1
    assert (a4.pk in synliga) == ser_e4


def test_quality_coordinator_reads_but_cannot_change(org, cast, kategori, logga_in):
    a = _rapportera(cast.pia, org.e1)
    klient = logga_in(cast.kim)
    svar = klient.post(reverse("avvikelser:status", args=[a.pk]), {"till": S.UNDER_UTREDNING})
    assert svar.status_code == 404
    a.refresh_from_db()
    assert a.status == S.RAPPORTERAD


def test_detail_view_is_audit_logged(org, cast, kategori, brukare, logga_in):
    a = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    logga_in(cast.erik).get(reverse("avvikelser:detalj", args=[a.pk]))
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1).count() == 1


# --- övergångar -------------------------------------------------------------------------------------


def test_full_lifecycle_records_every_transition_with_who(org, cast, kategori, logga_in):
    a = _rapportera(cast.pia, org.e1)
    klient = logga_in(cast.erik)
    klient.post(reverse("avvikelser:status", args=[a.pk]), {"till": S.UNDER_UTREDNING})
    orsak = OrsakFactory(namn="Bemanning")
    klient.post(
        reverse("avvikelser:utred", args=[a.pk]),
        {
            "orsaker": [orsak.pk],
            "konsekvens": "3",
            "sannolikhet": "3",
            "slutsats": "Rutinen följdes inte.",
            "version": "0",
        },
    )
    klient.post(reverse("avvikelser:atgard", args=[a.pk]), {"text": "Ny rutin för nyckelhantering"})
    klient.post(reverse("avvikelser:status", args=[a.pk]), {"till": S.ATGARDAD})
    atgard = a.atgarder.get()
    klient.post(
        reverse("avvikelser:atgard_uppfoljning", args=[a.pk]),
        {
            "atgard": atgard.pk,
            "version": "0",
            "genomford": timezone.localdate().isoformat(),
            "effekt_bedomning": "ja",
            "effekt": "Inga fler borttappade nycklar.",
        },
    )
    klient.post(
        reverse("avvikelser:status", args=[a.pk]),
        {"till": S.AVSLUTAD, "aterkoppling": "Tack, rutinen är ändrad."},
    )
    a.refresh_from_db()
    assert a.status == S.AVSLUTAD and a.avslutad is not None
    assert a.riskvarde == 9 and a.riskniva.kod == "hog"
    assert list(a.orsaker.values_list("namn", flat=True)) == ["Bemanning"]
    assert a.atgarder.count() == 1
    byten = list(a.handelser.exclude(till_status="").values_list("till_status", "av__username"))
    assert byten == [
        (S.RAPPORTERAD, "pia"),
        (S.UNDER_UTREDNING, "erik"),
        (S.ATGARDAD, "erik"),
        (S.AVSLUTAD, "erik"),
    ]
    assert a.history.count() >= 5
    sida = klient.get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert "Ny rutin för nyckelhantering" in sida and "Hög" in sida


def test_reopening_requires_a_reason(org, cast, kategori):
    a = _rapportera(cast.pia, org.e1, slutsats="Klart")
    for till in (S.UNDER_UTREDNING, S.ATGARDAD, S.AVSLUTAD):
        a = services.avvikelse_byt_status(avvikelse=a, till=till, av=cast.erik, aterkoppling="Tack")
    with pytest.raises(ValidationError):
        services.avvikelse_byt_status(avvikelse=a, till=S.UNDER_UTREDNING, av=cast.erik)
    a = services.avvikelse_byt_status(avvikelse=a, till=S.UNDER_UTREDNING, av=cast.erik, motivering="Ny info")
    assert a.status == S.UNDER_UTREDNING and a.avslutad is None
    assert Handelse.objects.filter(avvikelse=a, text__contains="Ny info").count() == 1


def test_invalid_transition_is_refused_in_swedish(org, cast, kategori, logga_in):
    a = _rapportera(cast.pia, org.e1)
    svar = logga_in(cast.erik).post(reverse("avvikelser:status", args=[a.pk]), {"till": S.AVSLUTAD})
    assert svar.status_code == 400 and "Det går inte att gå från" in svar.content.decode()
    a.refresh_from_db()
    assert a.status == S.RAPPORTERAD


def test_closing_requires_conclusion(org, cast, kategori):
    a = _rapportera(cast.pia, org.e1)
    a = services.avvikelse_byt_status(avvikelse=a, till=S.UNDER_UTREDNING, av=cast.erik)
    a = services.avvikelse_byt_status(avvikelse=a, till=S.ATGARDAD, av=cast.erik)
    with pytest.raises(ValidationError):
        services.avvikelse_byt_status(avvikelse=a, till=S.AVSLUTAD, av=cast.erik)


# --- påminnelser ------------------------------------------------------------------------------------


def test_reminders_go_once_to_manager_then_verksamhetschef(org, cast, kategori):
    a = _rapportera(cast.pia, org.e1)
    nu = timezone.now()
    bevakningar_svep(nu=nu + datetime.timedelta(days=15))
    bevakningar_svep(nu=nu + datetime.timedelta(days=15))
    chef = Notifikation.objects.filter(nyckel=f"bevakning:avvikelse:{a.pk}:ej_paborjad")
    assert chef.count() == 1 and chef.get().mottagare == cast.erik
    assert not Notifikation.objects.filter(mottagare=cast.vera).exists()
    bevakningar_svep(nu=nu + datetime.timedelta(days=29))
    bevakningar_svep(nu=nu + datetime.timedelta(days=29))
    vc = Notifikation.objects.filter(nyckel=f"bevakning:avvikelse:{a.pk}:ej_paborjad_eskalerad")
    assert vc.count() == 1 and vc.get().mottagare == cast.vera
    assert chef.count() == 1


def test_taking_up_the_deviation_cancels_reminders(org, cast, kategori):
    a = _rapportera(cast.pia, org.e1)
    services.avvikelse_byt_status(avvikelse=a, till=S.UNDER_UTREDNING, av=cast.erik)
    bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=40))
    assert not Notifikation.objects.filter(nyckel__contains=f"avvikelse:{a.pk}:").exists()


# --- lista och export -------------------------------------------------------------------------------


def test_queue_query_count_is_constant(org, cast, kategori, brukare, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.erik)
    for _ in range(5):
        _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    with django_assert_max_num_queries(16):
        assert klient.get(reverse("avvikelser:index")).status_code == 200
    for _ in range(25):
        _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    with django_assert_max_num_queries(16):
        svar = klient.get(reverse("avvikelser:index"))
    assert svar.content.decode().count("/avvikelser/") >= 25


def test_overdue_is_highlighted_and_filter_by_status(org, cast, kategori, logga_in):
    gammal = _rapportera(cast.pia, org.e1)
    Avvikelse.objects.filter(pk=gammal.pk).update(rapporterad=timezone.now() - datetime.timedelta(days=20))
    ny = _rapportera(cast.pia, org.e1)
    services.avvikelse_byt_status(avvikelse=ny, till=S.UNDER_UTREDNING, av=cast.erik)
    klient = logga_in(cast.erik)
    html = klient.get(reverse("avvikelser:index")).content.decode()
    assert html.count("Försenad</span>") == 1
    filtrerad = klient.get(reverse("avvikelser:index"), {"status": S.UNDER_UTREDNING}).content.decode()
    assert ny.referensnummer in filtrerad and gammal.referensnummer not in filtrerad


def test_excel_export_is_scoped_and_audit_logged(org, cast, kategori, brukare, logga_in):
    from io import BytesIO

    from openpyxl import load_workbook

    _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    _rapportera(cast.pia, org.e4, brukare=brukare.b4)
    svar = logga_in(cast.erik).get(reverse("avvikelser:export"))
    rader = list(load_workbook(BytesIO(svar.getvalue())).active.iter_rows(values_only=True))
    assert len(rader) == 2 and rader[1][3] == "Enhet E1"
    assert Atkomstlogg.objects.filter(anvandare=cast.erik, brukare=brukare.b1).count() == 1


# --- statistik --------------------------------------------------------------------------------------


def test_counts_per_category_equal_independent_count(org, cast):
    omsorg, bemotande = KategoriFactory(namn="Omsorg"), KategoriFactory(namn="Bemötande")
    for enhet, kat, n in [(org.e1, omsorg, 3), (org.e2, bemotande, 2), (org.e4, omsorg, 4)]:
        for _ in range(n):
            _rapportera(cast.pia, enhet, kategori=kat)
    idag = timezone.localdate()
    resultat = queries.antal_per_kategori(cast.kim, org.n1, idag - datetime.timedelta(days=1), idag)
    forvantat = {
        k: Avvikelse.objects.filter(enhet__in=[org.e1, org.e2, org.e3], kategori__namn=k).count()
        for k in ("Omsorg", "Bemötande")
    }
    assert {r["kategori__namn"]: r["antal"] for r in resultat} == forvantat
    # Från i går: händelsetiden ligger före rapporten, och strax efter midnatt är den i går (svensk tid).
    igar = idag - datetime.timedelta(days=1)
    per_enhet = {r["enhet__namn"]: r["antal"] for r in queries.antal_per_enhet(cast.lars, org.k, igar, idag)}
    # Ledningen läser antal för hela kommunen (inga poster; se test_statistik_och_sok).
    assert per_enhet == {"Enhet E1": 3, "Enhet E2": 2, "Enhet E4": 4}


# --- escalering och startsida -----------------------------------------------------------------------


def test_escalation_creates_linked_prefilled_lexsarah_report_once(org, cast, kategori, brukare):
    from lexsarah.models import Rapport

    a = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    rapport = services.avvikelse_eskalera(avvikelse=a, av=cast.erik)
    assert services.avvikelse_eskalera(avvikelse=a, av=cast.erik) == rapport
    assert Rapport.objects.filter(avvikelse=a).count() == 1
    assert (rapport.enhet, rapport.brukare, rapport.beskrivning) == (org.e1, brukare.b1, a.beskrivning)
    assert a.referensnummer in rapport.sammanfattning
    assert a.handelser.filter(text__contains="lex Sarah").count() == 1


def test_manager_task_list_has_unstarted_deviation(org, cast, kategori):
    a = _rapportera(cast.pia, org.e1)
    assert [u.rubrik for u in queries.mina_uppgifter(cast.erik)] == [f"Ta upp avvikelse {a.referensnummer}"]
    assert queries.mina_uppgifter(cast.elsa) == [] and queries.mina_uppgifter(cast.pia) == []


# --- öppna formuläret -------------------------------------------------------------------------------


def _oppet(client, data, **extra):
    """POST till den öppna vyn (monteras under /oppen/ av kvalitet/urls.py, därför direkt mot vyn)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from avvikelser import views

    request = RequestFactory().post("/oppen/avvikelser/klagomal/", data, **extra)
    request.user = AnonymousUser()
    request._dont_enforce_csrf_checks = True
    request.session = {}
    return views.oppet_klagomal(request)


def test_public_form_valid_creates_complaint(org, client):
    svar = _oppet(
        client,
        {
            "enhet": org.e1.pk,
            "typ": "klagomal",
            "avsandartyp": "anhorig",
            "namn": "Anna",
            "kontakt": "anna@example.se",
            "beskrivning": "Mamma fick ingen mat.",
        },
    )
    assert svar.status_code == 200 and "referensnummer" in svar.content.decode()
    k = Klagomal.objects.get()
    assert k.via_e_tjanst and k.registrerad_av is None and k.referensnummer.startswith("KS-")


def test_public_form_invalid_keeps_values(org, client):
    svar = _oppet(
        client,
        {
            "enhet": org.e1.pk,
            "typ": "klagomal",
            "avsandartyp": "anhorig",
            "beskrivning": "Texten ska finnas kvar",
        },
    )
    assert "Ange ditt namn" in svar.content.decode() and "Texten ska finnas kvar" in svar.content.decode()
    assert not Klagomal.objects.exists()


def test_public_form_honeypot_saves_nothing(org, client):
    _oppet(
        client,
        {
            "enhet": org.e1.pk,
            "typ": "klagomal",
            "avsandartyp": "annan",
            "anonym": "on",
            "beskrivning": "spam",
            "webbplats": "http://spam",
        },
    )
    assert not Klagomal.objects.exists()


def test_public_form_rate_limited(org, client, settings):
    settings.AVVIKELSER_OPPET_MAX_PER_TIMME = 2
    data = {"enhet": org.e1.pk, "typ": "berom", "avsandartyp": "annan", "anonym": "on", "beskrivning": "Bra!"}
    koder = [_oppet(client, data).status_code for _ in range(3)]
    assert koder == [200, 200, 429]
    assert Klagomal.objects.count() == 2 and OppenInlamning.objects.count() == 2


def test_complaint_close_requires_feedback_unless_anonymous(org, cast):
    k = services.klagomal_registrera(
        klagomal=Klagomal(enhet=org.e1, beskrivning="x", namn="Anna"), av=cast.erik
    )
    with pytest.raises(ValidationError):
        services.klagomal_avsluta(klagomal=k, av=cast.erik)
    k = services.klagomal_avsluta(
        klagomal=k, av=cast.erik, aterkoppling_datum=timezone.localdate(), aterkoppling_hur="Telefon"
    )
    assert k.status == "avslutat"
    anonym = services.klagomal_registrera(
        klagomal=Klagomal(enhet=org.e1, beskrivning="y", anonym=True), av=None
    )
    assert services.klagomal_avsluta(klagomal=anonym, av=cast.erik).status == "avslutat"


def test_statistics_page_matches_independent_counts_and_flags_silent_unit(org, cast, brukare, logga_in):
    omsorg = KategoriFactory(namn="Omsorg")
    for _ in range(4):
        _rapportera(cast.pia, org.e1, kategori=omsorg, brukare=brukare.b1)
    _rapportera(cast.pia, org.e2, kategori=omsorg, brukare=brukare.b1)
    _rapportera(cast.pia, org.e4, kategori=omsorg)
    idag = timezone.localdate()
    svar = logga_in(cast.vera).get(reverse("avvikelser:statistik"), {"nod": org.a1.pk})
    assert svar.status_code == 200
    forvantat = Avvikelse.objects.filter(enhet__forelder=org.a1).count()
    assert f'<strong id="totalt">{forvantat}</strong>' in svar.content.decode()
    assert "<svg" in svar.content.decode()
    flera = queries.brukare_fran_flera_enheter(cast.vera, org.a1, idag - datetime.timedelta(days=2), idag)
    assert flera == [{"brukare_id": brukare.b1.pk, "enheter": 2, "antal": 5}]
    fyra = queries.fyra_ar_per_kategori(cast.vera, org.a1, idag.year)
    assert fyra == [
        {"kategori": "Omsorg", "ar": {idag.year - 3: 0, idag.year - 2: 0, idag.year - 1: 0, idag.year: 5}}
    ]
    # E1: 4/50 = 0,08, E2: 1/20 = 0,05 → ingen tyst; med kim (hela N1) är E3 (0 rapporter) tyst.
    assert [
        t["enhet"].kod
        for t in queries.tysta_enheter(cast.kim, org.n1, idag - datetime.timedelta(days=2), idag)
    ] == ["E3"]


def test_statistics_bad_date_returns_swedish_error(org, cast, logga_in):
    svar = logga_in(cast.erik).get(reverse("avvikelser:statistik"), {"fran": "igår"})
    html = svar.content.decode()
    assert svar.status_code == 400 and "Ange datumet som ÅÅÅÅ-MM-DD." in html
    assert 'value="igår"' in html  # det inskrivna står kvar


@pytest.mark.parametrize(
    ("parametrar", "meddelande"),
    [
        ({"fran": "0001-01-01"}, "Ange ett datum mellan 1900-01-01 och 2100-12-31."),
        ({"till": "9999-12-31"}, "Ange ett datum mellan 1900-01-01 och 2100-12-31."),
        ({"fran": "2026-05-01", "till": "2026-01-01"}, "Till-datumet ligger före från-datumet."),
    ],
)
def test_statistics_and_queue_refuse_unreasonable_periods_in_swedish(
    org, cast, logga_in, parametrar, meddelande
):
    klient = logga_in(cast.erik)
    svar = klient.get(reverse("avvikelser:statistik"), parametrar)
    assert svar.status_code == 400 and meddelande in svar.content.decode()
    for varde in parametrar.values():
        assert f'value="{varde}"' in svar.content.decode()
    if "Till-datumet" not in meddelande:
        ko = klient.get(reverse("avvikelser:index"), parametrar)
        assert ko.status_code == 200 and meddelande in ko.content.decode()


def test_staff_registers_complaint_and_manager_closes_with_feedback(org, cast, logga_in):
    klient = logga_in(cast.erik)
    svar = klient.post(
        reverse("avvikelser:klagomal_ny"),
        {
            "enhet": org.e1.pk,
            "typ": "klagomal",
            "avsandartyp": "anhorig",
            "namn": "Anna",
            "beskrivning": "Kall mat",
        },
    )
    assert svar.status_code == 302
    k = Klagomal.objects.get()
    assert k.registrerad_av == cast.erik and not k.via_e_tjanst
    utan = klient.post(reverse("avvikelser:klagomal_detalj", args=[k.pk]), {})
    assert utan.status_code == 400, utan.content.decode()[-1500:]
    assert "Ange datum och hur" in utan.content.decode(), utan.content.decode()[-1500:]
    klient.post(
        reverse("avvikelser:klagomal_detalj", args=[k.pk]),
        {"aterkoppling_datum": "2026-01-05", "aterkoppling_hur": "Telefonsamtal"},
    )
    k.refresh_from_db()
    assert k.status == "avslutat" and k.aterkoppling_hur == "Telefonsamtal"
    assert logga_in(cast.elsa).get(reverse("avvikelser:klagomal_detalj", args=[k.pk])).status_code == 404


def test_overdue_feedback_reminds_manager_once(org, cast):
    k = services.klagomal_registrera(klagomal=Klagomal(enhet=org.e1, beskrivning="x", namn="Anna"), av=None)
    for _ in range(2):
        bevakningar_svep(nu=timezone.now() + datetime.timedelta(days=15))
    notiser = Notifikation.objects.filter(nyckel=f"bevakning:klagomal:{k.pk}:aterkoppling")
    assert notiser.count() == 1 and notiser.get().mottagare == cast.erik


@pytest.mark.parametrize("namn", ["pia", "erik", "elsa", "vera", "hanna", "kim", "lars", "ada", "utan"])
def test_every_page_answers_every_role_without_error(org, cast, kategori, brukare, logga_in, namn):
    a = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    klient = logga_in(getattr(cast, namn))
    for url in ["index", "mina", "rapportera", "statistik", "klagomal", "klagomal_ny"]:
        assert klient.get(reverse(f"avvikelser:{url}"), follow=True).status_code == 200, url
    assert klient.get(reverse("avvikelser:detalj", args=[a.pk])).status_code in (200, 404)
    assert (
        klient.get(reverse("avvikelser:index"), {"fran": "x", "sida": "abc"}, follow=True).status_code == 200
    )


def test_detail_shows_link_to_existing_lexsarah_report(org, cast, kategori, logga_in):
    """Länken kommer ur lexsarah.queries (direkt, utan reservväg för en saknad app)."""
    from tests.lexsarah.factories import RapportFactory

    a = _rapportera(cast.pia, org.e1)
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, avvikelse=a)
    html = logga_in(cast.erik).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert f'href="{rapport.get_absolute_url()}"' in html
    assert "Eskalera till lex Sarah" not in html


def test_escalation_only_by_those_who_may_change_the_deviation(org, cast, kategori, logga_in):
    from lexsarah.models import Rapport

    a = _rapportera(cast.pia, org.e1)
    for obehorig in (cast.elsa, cast.pia, cast.lars):
        assert logga_in(obehorig).post(reverse("avvikelser:eskalera", args=[a.pk])).status_code == 404
    assert not Rapport.objects.exists()
    svar = logga_in(cast.erik).post(reverse("avvikelser:eskalera", args=[a.pk]), follow=True)
    assert svar.status_code == 200 and "lex Sarah-rapport har skapats" in svar.content.decode()
    assert Rapport.objects.filter(avvikelse=a).count() == 1


def test_queue_filters_by_unit_and_individual_but_not_protected_name(org, cast, kategori, brukare, logga_in):
    greta = _rapportera(cast.pia, org.e1, brukare=brukare.b1)
    dold = _rapportera(cast.pia, org.e1, brukare=brukare.skyddad)
    e2 = _rapportera(cast.pia, org.e2)
    vera = set(queries.ko(cast.vera, enhet=org.e2).values_list("pk", flat=True))
    assert vera == {e2.pk}
    assert set(queries.ko(cast.erik, enskild="Greta").values_list("pk", flat=True)) == {greta.pk}
    assert dold.pk not in set(queries.ko(cast.erik, enskild="Hemlig").values_list("pk", flat=True))
    html = logga_in(cast.erik).get(reverse("avvikelser:index"), {"enskild": "Gran"}).content.decode()
    assert greta.referensnummer in html and dold.referensnummer not in html


def test_public_form_honeypot_is_hidden_from_sight_and_screen_readers(org, client):
    import re

    html = client.get(reverse("avvikelser_oppen:klagomal")).content.decode()
    falla = re.search(r'<div class="honungsfalla" aria-hidden="true">(.*?)</div>', html, re.S)
    assert falla, "fällan ska ligga i ett eget dolt block"
    assert 'aria-hidden="true"' in falla.group(0) and 'name="webbplats"' in falla.group(0)
    assert 'tabindex="-1"' in falla.group(0)
    # Inget annat fält ligger i det dolda blocket.
    assert 'name="beskrivning"' not in falla.group(0)
    # Namnfältet har sitt syfte angivet (WCAG 1.3.5), så att webbläsaren kan fylla i det.
    assert re.search(
        r'<input[^>]*name="namn"[^>]*autocomplete="name"|<input[^>]*autocomplete="name"[^>]*name="namn"', html
    )
