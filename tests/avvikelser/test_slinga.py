"""Issue 18: åtgärd → genomförd med effekt → avslut med återkoppling, skrivskydd och återöppning."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from avvikelser import services
from avvikelser.models import Atgard, AvvikelseStatus
from kvalitet.models import Notifikation
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory

pytestmark = pytest.mark.django_db
S = AvvikelseStatus


def _atgardad(rapportor, enhet, chef, *, anonym=False, beskrivning="Dörren stod olåst hela natten."):
    a = services.avvikelse_rapportera(
        avvikelse=AvvikelseFactory.build(
            enhet=enhet, kategori=KategoriFactory(namn="Omsorg"), anonym=anonym, beskrivning=beskrivning
        ),
        av=rapportor,
    )
    for till in (S.UNDER_UTREDNING, S.ATGARDAD):
        a = services.avvikelse_byt_status(avvikelse=a, till=till, av=chef)
    a.slutsats = "Rutinen för låsning var okänd för nyanställda."
    a.save()
    atgard = services.atgard_lagg_till(
        atgard=Atgard(avvikelse=a, text="Introduktion i låsrutinen", ansvarig=chef), av=chef
    )
    return a, atgard


def _folj_upp(klient, a, atgard, **data):
    return klient.post(
        reverse("avvikelser:atgard_uppfoljning", args=[a.pk]),
        {"atgard": atgard.pk, "version": str(Atgard.objects.get(pk=atgard.pk).version), **data},
    )


def _avsluta(klient, a, aterkoppling="Tack för att du rapporterade. Alla nyanställda går nu igenom rutinen."):
    return klient.post(
        reverse("avvikelser:status", args=[a.pk]), {"till": S.AVSLUTAD, "aterkoppling": aterkoppling}
    )


def test_avslut_vagras_med_en_oppen_atgard_och_utan_effektbedomning(org, cast, logga_in):
    a, atgard = _atgardad(cast.pia, org.e1, cast.erik)
    klient = logga_in(cast.erik)
    svar = _avsluta(klient, a)
    assert svar.status_code == 400
    assert "”Introduktion i låsrutinen” är inte genomförd" in svar.content.decode()
    # Genomförd men utan svar på effektfrågan: formuläret säger till och ingenting sparas.
    svar = _folj_upp(klient, a, atgard, genomford=timezone.localdate().isoformat(), effekt="Bra")
    assert svar.status_code == 400 and "Fick åtgärden avsedd effekt?" in svar.content.decode()
    assert Atgard.objects.get(pk=atgard.pk).genomford is None
    with pytest.raises(ValidationError, match="inte genomförd"):
        services.avvikelse_byt_status(avvikelse=a, till=S.AVSLUTAD, av=cast.erik, aterkoppling="Tack")
    a.refresh_from_db()
    assert a.status == S.ATGARDAD


def test_avslut_kraver_aterkoppling_och_gar_nar_atgarden_ar_genomford_och_bedomd(org, cast, logga_in):
    a, atgard = _atgardad(cast.pia, org.e1, cast.erik)
    klient = logga_in(cast.erik)
    svar = _folj_upp(
        klient,
        a,
        atgard,
        genomford=timezone.localdate().isoformat(),
        effekt_bedomning="delvis",
        effekt="Två av tre",
    )
    assert svar.status_code == 302
    atgard.refresh_from_db()
    assert (atgard.effekt_bedomning, atgard.klar, atgard.version) == ("delvis", True, 1)
    svar = _avsluta(klient, a, aterkoppling="  ")
    assert svar.status_code == 400 and "Skriv återkopplingen" in svar.content.decode()
    assert _avsluta(klient, a).status_code == 302
    a.refresh_from_db()
    assert a.status == S.AVSLUTAD and a.aterkoppling.startswith("Tack") and a.aterkopplad
    notis = Notifikation.objects.get(mottagare=cast.pia)
    assert notis.lank == reverse("avvikelser:detalj", args=[a.pk]) and a.referensnummer in notis.rubrik


def test_struken_atgard_med_motivering_hindrar_inte_avslut(org, cast, logga_in):
    a, atgard = _atgardad(cast.pia, org.e1, cast.erik)
    klient = logga_in(cast.erik)
    assert (
        _folj_upp(klient, a, atgard, struken="Ersattes av den nya introduktionen i regionen.").status_code
        == 302
    )
    assert _avsluta(klient, a).status_code == 302
    assert a.handelser.filter(text__startswith="Åtgärd struken").count() == 1


def test_gammal_version_av_atgarden_krockar(org, cast, logga_in):
    a, atgard = _atgardad(cast.pia, org.e1, cast.erik)
    klient = logga_in(cast.erik)
    _folj_upp(klient, a, atgard, struken="Behövs inte")
    svar = klient.post(
        reverse("avvikelser:atgard_uppfoljning", args=[a.pk]),
        {"atgard": atgard.pk, "version": "0", "struken": "Något annat"},
    )
    assert svar.status_code == 400 and "har ändrats" in svar.content.decode()
    assert Atgard.objects.get(pk=atgard.pk).struken == "Behövs inte"


def _avslutad(cast, org, klient, **kw):
    a, atgard = _atgardad(cast.pia, org.e1, cast.erik, **kw)
    _folj_upp(
        klient,
        a,
        atgard,
        genomford=timezone.localdate().isoformat(),
        effekt_bedomning="ja",
        effekt="Fungerar",
    )
    assert _avsluta(klient, a).status_code == 302
    return a, atgard


def test_avslutad_ar_skrivskyddad_tills_den_oppnas_med_motivering(org, cast, logga_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    klient = logga_in(cast.erik)
    a, atgard = _avslutad(cast, org, klient)
    html = klient.get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert 'id="skrivskyddad"' in html
    for url in ("utred", "atgard", "atgard_uppfoljning", "bilaga_ny", "eskalera"):
        assert reverse(f"avvikelser:{url}", args=[a.pk]) not in html
    fore = a.handelser.count()
    svar = klient.post(reverse("avvikelser:atgard", args=[a.pk]), {"text": "En till"})
    assert svar.status_code == 400 and "Ärendet är avslutat och kan inte ändras" in svar.content.decode()
    svar = _folj_upp(klient, a, atgard, struken="Ångrar mig")
    assert svar.status_code == 400 and "Ärendet är avslutat" in svar.content.decode()
    svar = klient.post(
        reverse("avvikelser:utred", args=[a.pk]),
        {"konsekvens": "2", "sannolikhet": "2", "slutsats": "Ny", "version": str(a.version)},
    )
    assert svar.status_code == 400 and "Ärendet är avslutat" in svar.content.decode()
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    svar = klient.post(reverse("avvikelser:bilaga_ny", args=[a.pk]), {"fil": pdf})
    assert svar.status_code == 400 and "Ärendet är avslutat" in svar.content.decode()
    klient.post(reverse("avvikelser:eskalera", args=[a.pk]))
    assert a.handelser.count() == fore and a.atgarder.count() == 1 and not a.bilagor.exists()
    assert Atgard.objects.get(pk=atgard.pk).struken == ""

    # Återöppning utan motivering vägras; med motivering står den i tidslinjen och historiken.
    svar = klient.post(reverse("avvikelser:status", args=[a.pk]), {"till": S.UNDER_UTREDNING})
    assert svar.status_code == 400 and "Ange varför avvikelsen öppnas igen" in svar.content.decode()
    svar = klient.post(
        reverse("avvikelser:status", args=[a.pk]),
        {"till": S.UNDER_UTREDNING, "motivering": "Hände igen i går"},
    )
    assert svar.status_code == 302
    a.refresh_from_db()
    assert a.status == S.UNDER_UTREDNING
    assert a.handelser.filter(text__contains="Hände igen i går", till_status=S.UNDER_UTREDNING).exists()
    assert a.history.filter(history_change_reason="Hände igen i går").exists()
    assert klient.post(reverse("avvikelser:atgard", args=[a.pk]), {"text": "En till"}).status_code == 302


def test_rapportoren_laser_aterkopplingen_pa_mina_rapporter(
    org, cast, logga_in, django_assert_max_num_queries
):
    chef = logga_in(cast.erik)
    a, _ = _avslutad(cast, org, chef)
    klient = logga_in(cast.pia)
    mina = klient.get(reverse("avvikelser:mina")).content.decode()
    assert "Läs återkopplingen" in mina
    with django_assert_max_num_queries(12):
        html = klient.get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    for text in (
        "Dörren stod olåst hela natten.",
        "Rutinen för låsning var okänd för nyanställda.",
        "Introduktion i låsrutinen",
        "Fick den avsedd effekt? Ja: Fungerar",
        "Alla nyanställda går nu igenom rutinen.",
    ):
        assert text in html
    # Inga formulär för rapportören, och kvalitetssamordnaren (läser, ändrar inte) ser inte återkopplingen
    # som om den var hens.
    assert "<form" not in html.split("<main", 1)[1]
    ks = logga_in(cast.kim).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert "Återkoppling till dig" not in ks


def test_enheten_far_aldrig_veta_vem_den_anonyma_rapportoren_ar(org, cast, logga_in):
    cast.pia.first_name, cast.pia.last_name = "Petronella", "Hemligsson"
    cast.pia.save()
    chef = logga_in(cast.erik)
    a, _ = _avslutad(cast, org, chef, anonym=True)
    sidor = [
        reverse("avvikelser:detalj", args=[a.pk]),
        reverse("avvikelser:index"),
        reverse("avvikelser:export"),
        reverse("kvalitet:notifikationer")
        if _finns("kvalitet:notifikationer")
        else reverse("avvikelser:index"),
    ]
    for klient in (chef, logga_in(cast.kim), logga_in(cast.vera)):
        for url in sidor:
            innehall = klient.get(url).getvalue().decode(errors="ignore")
            for namn in ("Petronella", "Hemligsson", "pia"):
                assert namn not in innehall, (url, namn)
    # Rapportören själv får notifikationen och läser återkopplingen.
    assert Notifikation.objects.filter(mottagare=cast.pia, rubrik__contains=a.referensnummer).exists()
    assert not Notifikation.objects.filter(mottagare=cast.erik, rubrik__contains="Återkoppling").exists()
    html = logga_in(cast.pia).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    assert "Återkoppling till dig" in html


def _finns(namn: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(namn)
    except NoReverseMatch:
        return False
    return True
