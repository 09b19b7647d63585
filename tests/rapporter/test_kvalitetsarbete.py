"""Mål, indikatorer, intern kontrollplan, förbättringsplan och Kolada-importen (kvalitet/)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kvalitet import access
from kvalitet.kolada import kolada_importera
from kvalitet.models.kvalitetsarbete import (
    Forbattringsatgard,
    Indikatorvarde,
    Jamforelsevarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
)
from rapporter import queries
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    KontrollpunktFactory,
    MalFactory,
    MalindikatorFactory,
)

EXEMPEL = Path(__file__).resolve().parents[2] / "rapporter" / "data" / "kolada_exempel.json"


@pytest.fixture
def poster(org):
    return {
        "mal_n1": MalFactory(nod=org.n1),
        "mal_e3": MalFactory(nod=org.e3, rubrik="E3:s mål"),
        "mal_n2": MalFactory(nod=org.n2, rubrik="N2:s mål"),
        "punkt_n1": KontrollpunktFactory(plan__nod=org.n1),
        "punkt_n2": KontrollpunktFactory(plan__nod=org.n2),
        "forb_n2": ForbattringsatgardFactory(nod=org.n2),
    }


def test_each_role_sees_exactly_its_part_of_the_quality_work(cast, poster):
    def mal(user):
        return set(access.scope(user, Mal).values_list("rubrik", flat=True))

    n1 = poster["mal_n1"].rubrik
    assert mal(cast.kim) == {n1, "E3:s mål"}
    assert mal(cast.sofia) == {"N2:s mål"}
    assert mal(cast.erik) == {n1}  # nämndens mål gäller enheten, E3:s gör det inte
    assert mal(cast.elsa) == {n1, "E3:s mål"}
    assert mal(cast.lars) == set()  # ledningen läser dem i den publicerade berättelsen
    assert mal(cast.pia) == set() and mal(cast.utan) == set() and mal(cast.hanna) == set()
    assert list(access.scope(cast.kim, Kontrollpunkt)) == [poster["punkt_n1"]]
    assert list(access.scope(cast.sofia, Forbattringsatgard)) == [poster["forb_n2"]]
    assert not access.scope(cast.kim, Forbattringsatgard).exists()
    # Bara kvalitetssamordnaren ändrar, och bara i sin nämnd.
    assert set(access.scope(cast.kim, Mal, access.ANDRA)) == {poster["mal_n1"], poster["mal_e3"]}
    assert not access.scope(cast.erik, Mal, access.ANDRA).exists()
    assert not access.scope(cast.lars, Kontrollpunkt, access.ANDRA).exists()


def test_coordinator_creates_goal_indicator_and_value(logga_in, cast, org):
    klient = logga_in(cast.kim)
    svar = klient.post(
        reverse("kvalitetsarbete:mal_ny"), {"nod": org.n1.pk, "ar": 2024, "rubrik": "Trygghet"}
    )
    mal = Mal.objects.get()
    assert svar.status_code == 302 and mal.nod == org.n1
    svar = klient.post(
        reverse("kvalitetsarbete:mal", args=[mal.pk]),
        {"namn": "Andel trygga", "malvarde": "85", "riktning": "hogre", "enhet": "%", "kalla": "manuell"},
    )
    ind = Malindikator.objects.get()
    assert svar.status_code == 302
    svar = klient.post(reverse("kvalitetsarbete:indikator", args=[ind.pk]), {"ar": 2024, "varde": "87,5"})
    assert svar.status_code == 302
    # Samma år igen ersätter bara mot versionen (kvalitet.samtidighet): utan den står det sparade kvar.
    assert (
        klient.post(
            reverse("kvalitetsarbete:indikator", args=[ind.pk]), {"ar": 2024, "varde": "88"}
        ).status_code
        == 400
    )
    klient.post(
        reverse("kvalitetsarbete:indikator", args=[ind.pk]), {"ar": 2024, "varde": "88", "version": "0"}
    )
    assert list(Indikatorvarde.objects.values_list("ar", "varde")) == [(2024, 88)]


def test_bad_input_keeps_values_and_explains_in_swedish(logga_in, cast, org):
    klient = logga_in(cast.kim)
    svar = klient.post(reverse("kvalitetsarbete:mal_ny"), {"nod": org.n2.pk, "ar": "x", "rubrik": "Mitt mål"})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Välj en nod i listan." in html and "Ange året med fyra siffror." in html
    assert 'value="Mitt mål"' in html
    mal = MalFactory(nod=org.n1)
    svar = klient.post(
        reverse("kvalitetsarbete:mal", args=[mal.pk]),
        {"namn": "Beräknad", "malvarde": "abc", "riktning": "hogre", "kalla": "beraknad"},
    )
    assert svar.status_code == 400
    assert "Välj vilken beräkning" in svar.content.decode()
    assert not Malindikator.objects.exists()


def test_control_plan_is_unique_per_node_and_year(logga_in, cast, org):
    klient = logga_in(cast.kim)
    data = {"nod": org.n1.pk, "ar": 2024, "rubrik": "Intern kontrollplan"}
    assert klient.post(reverse("kvalitetsarbete:kontrollplan_ny"), data).status_code == 302
    svar = klient.post(reverse("kvalitetsarbete:kontrollplan_ny"), data)
    assert svar.status_code == 400
    assert "Det finns redan en kontrollplan" in svar.content.decode()
    plan = Kontrollplan.objects.get()
    svar = klient.post(
        reverse("kvalitetsarbete:kontrollplan", args=[plan.pk]),
        {"aktivitet": "Journalgranskning", "ansvarig": "MAS", "nar": "Oktober"},
    )
    assert svar.status_code == 302 and plan.kontrollpunkter.count() == 1


def test_other_roles_cannot_change_quality_work(logga_in, cast, org, poster):
    mal = poster["mal_n1"]
    assert logga_in(cast.erik).get(reverse("kvalitetsarbete:mal", args=[mal.pk])).status_code == 200
    assert (
        logga_in(cast.erik).post(reverse("kvalitetsarbete:mal", args=[mal.pk]), {"namn": "x"}).status_code
        == 404  # posten ligger utanför hans scope för ändring: 404 som överallt (kvalitet.access)
    )
    assert logga_in(cast.erik).get(reverse("kvalitetsarbete:mal_ny")).status_code == 403
    assert logga_in(cast.sofia).get(reverse("kvalitetsarbete:mal", args=[mal.pk])).status_code == 404
    punkt = poster["punkt_n1"]
    assert (
        logga_in(cast.sofia).get(reverse("kvalitetsarbete:kontrollpunkt", args=[punkt.pk])).status_code == 404
    )
    assert logga_in(cast.pia).get(reverse("kvalitetsarbete:kolada")).status_code == 403


def test_index_page_query_count_is_constant(logga_in, cast, poster, django_assert_max_num_queries):
    klient = logga_in(cast.lars)
    with django_assert_max_num_queries(14):
        svar = klient.get(reverse("kvalitetsarbete:index"), {"ar": "inte-ett-år"})
    assert svar.status_code == 200


def test_kolada_sample_file_imports_idempotently_and_feeds_indicators(org, cast, settings):
    settings.KOLADA_KOMMUNKOD = "1499"
    ind = MalindikatorFactory(mal__nod=org.n1, mal__ar=2024, kalla="kolada", kolada_kpi="U21468")
    r = kolada_importera(innehall=EXEMPEL.read_bytes())
    assert r == {"varden": 7, "indikatorvarden": 2}
    kolada_importera(innehall=EXEMPEL.read_bytes())
    assert Jamforelsevarde.objects.count() == 7
    assert Jamforelsevarde.objects.get(kpi="U21468", kommun="0000", period=2024).varde == 87
    assert dict(Indikatorvarde.objects.filter(indikator=ind).values_list("ar", "varde")) == {
        2024: 91,
        2023: 88,
    }
    rad = queries.samla(cast.kim, org.n1, 2024, kommunkod="1499")["jamforelser"]
    assert rad == [{"kpi": "U21468", "namn": ind.namn, "kommun": 91.0, "kommun_forra": 88.0, "riket": 87.0}]
    mal = queries.samla(cast.kim, org.n1, 2024)["mal"][0]["indikatorer"][0]
    assert (mal["varde"], mal["forra"], mal["uppfyllt"]) == (91.0, 88.0, True)


@pytest.mark.parametrize("innehall", [b"inte json", b"{}", b'{"values": [{"kpi": "X"}]}', b"\xff\xfe"])
def test_kolada_import_rejects_malformed_files(db, innehall):
    with pytest.raises(ValidationError):
        kolada_importera(innehall=innehall)


def test_kolada_upload_view(logga_in, cast):
    klient = logga_in(cast.kim)
    fil = SimpleUploadedFile("k.json", EXEMPEL.read_bytes(), content_type="application/json")
    assert klient.post(reverse("kvalitetsarbete:kolada"), {"fil": fil}).status_code == 302
    trasig = SimpleUploadedFile("k.json", b"{", content_type="application/json")
    svar = klient.post(reverse("kvalitetsarbete:kolada"), {"fil": trasig})
    assert svar.status_code == 400 and "inte giltig JSON" in svar.content.decode()


def test_coordinator_kolada_upload_cannot_change_other_committee(logga_in, cast, org, settings):
    settings.KOLADA_KOMMUNKOD = "1499"
    egen = MalindikatorFactory(mal__nod=org.n1, mal__ar=2024, kalla="kolada", kolada_kpi="U21468")
    annan = MalindikatorFactory(mal__nod=org.n2, mal__ar=2024, kalla="kolada", kolada_kpi="U21468")
    Indikatorvarde.objects.create(indikator=annan, ar=2024, varde=50, kalla="kolada")
    fil = SimpleUploadedFile("k.json", EXEMPEL.read_bytes(), content_type="application/json")
    assert logga_in(cast.kim).post(reverse("kvalitetsarbete:kolada"), {"fil": fil}).status_code == 302
    assert dict(Indikatorvarde.objects.filter(indikator=egen).values_list("ar", "varde")) == {
        2024: 91,
        2023: 88,
    }
    assert dict(Indikatorvarde.objects.filter(indikator=annan).values_list("ar", "varde")) == {2024: 50}


def _kolada_fil(varde) -> bytes:
    return (
        b'{"values": [{"kpi": "U21468", "municipality": "1499", "period": 2024, '
        b'"values": [{"gender": "T", "value": ' + varde + b"}]}]}"
    )


ORIMLIGT = "Post 1: värdet"
FEL_I_POST = "Post 1 i filen saknar"


@pytest.mark.parametrize(
    ("innehall", "meddelande"),
    [
        (_kolada_fil(b"1e20"), ORIMLIGT),
        (_kolada_fil(b"-1e20"), ORIMLIGT),
        (_kolada_fil(b"1e400"), ORIMLIGT),
        (_kolada_fil(b"NaN"), ORIMLIGT),
        (_kolada_fil(b"Infinity"), ORIMLIGT),
        (_kolada_fil(b'"1e20"'), ORIMLIGT),
        (_kolada_fil(b"1" + b"0" * 5000), "inte giltig JSON"),
        (_kolada_fil(b"[" * 50 + b"]" * 50), FEL_I_POST),
        (b"[" * 100_000, "för djupt nästlad"),
        (b'{"values": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "för djupt nästlad"),
        (
            b'{"values": [{"kpi": "U21468", "municipality": "1499", "period": 1e400, "values": []}]}',
            FEL_I_POST,
        ),
    ],
)
def test_kolada_upload_of_extreme_values_gives_swedish_error_not_500(
    logga_in, cast, org, innehall, meddelande
):
    MalindikatorFactory(mal__nod=org.n1, mal__ar=2024, kalla="kolada", kolada_kpi="U21468")
    fil = SimpleUploadedFile("k.json", innehall, content_type="application/json")
    svar = logga_in(cast.kim).post(reverse("kvalitetsarbete:kolada"), {"fil": fil})
    assert svar.status_code == 400 and meddelande in svar.content.decode()
    assert not Jamforelsevarde.objects.exists() and not Indikatorvarde.objects.exists()
