"""Import av brukare och insatser: bra, felaktiga och upprepade filer; kommandon och API."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kvalitet.import_brukare import importera_brukare, importera_insatser
from kvalitet.models import Brukare, Insats
from kvalitet.services import BRUKARE_KAN_INTE_SPARAS
from tests.factories import giltigt_personnummer, insatstyp

pytestmark = pytest.mark.django_db


def _brukarfil(*rader):
    return "externt_id;personnummer;fornamn;efternamn;namnd_kod;skyddad_identitet;handlaggare\n" + "\n".join(
        rader
    )


@pytest.fixture
def nummer():
    return [giltigt_personnummer() for _ in range(3)]


def test_good_file_creates_and_repeat_changes_nothing(org, cast, nummer):
    fil = _brukarfil(
        f"T1;{nummer[0]};Anna;Ek;N1;nej;hanna",
        f"T2;{nummer[1]};Bertil;Al;N2;ja;",
    )
    forsta = importera_brukare(fil)
    assert (forsta.skapade, forsta.fel) == (2, [])
    b = Brukare.objects.get(externt_id="T1")
    assert (b.fornamn, b.namnd, b.handlaggare) == ("Anna", org.n1, cast.hanna)
    assert Brukare.objects.get(externt_id="T2").skyddad_identitet
    andra = importera_brukare(fil)
    assert (andra.skapade, andra.andrade, andra.oforandrade) == (0, 0, 2)
    assert b.history.count() == 1


def test_changed_row_updates_the_same_brukare(org, nummer):
    importera_brukare(_brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;"))
    r = importera_brukare(_brukarfil(f"T1;{nummer[0]};Anna;Björk;N1;;"))
    assert (r.skapade, r.andrade) == (0, 1)
    assert Brukare.objects.get(externt_id="T1").efternamn == "Björk"
    assert Brukare.objects.count() == 1


def test_bad_rows_are_reported_and_good_rows_still_written(org, nummer):
    fil = _brukarfil(
        f"T1;{nummer[0]};Anna;Ek;N1;;",
        "T2;19500517-0000;Bo;Al;N1;;",
        f"T3;{nummer[1]};;Al;X9;kanske;okand",
        f"T1;{nummer[2]};Dubbel;Ek;N1;;",
    )
    r = importera_brukare(fil)
    fel = {(f.rad, f.falt) for f in r.fel}
    assert (3, "personnummer") in fel
    assert {(4, "namnd_kod"), (4, "skyddad_identitet"), (4, "handlaggare")} <= fel
    assert (5, "externt_id") in fel
    assert any("Kontrollsiffran" in f.orsak for f in r.fel)
    assert r.skapade == 1 and list(Brukare.objects.values_list("externt_id", flat=True)) == ["T1"]


def test_dry_run_and_strict_write_nothing(org, nummer):
    fil = _brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;", "T2;nej;Bo;Al;N1;;")
    r = importera_brukare(fil, torrkorning=True)
    assert len(r.fel) == 1 and not Brukare.objects.exists()
    r = importera_brukare(fil, strikt=True)
    assert len(r.fel) == 1 and not Brukare.objects.exists()


def test_missing_column_is_reported(db):
    r = importera_brukare("externt_id;fornamn\nT1;Anna")
    assert r.fel[0].rad == 1 and "personnummer" in r.fel[0].falt


def test_insatser_import_with_history_and_date_rules(org, nummer):
    importera_brukare(_brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;"))
    insatstyp("Hemtjänst", "SoL")
    fil = (
        "externt_id,brukare_externt_id,insatstyp,enhet_kod,beslutsdatum,startdatum,slutdatum\n"
        "I1,T1,hemtjänst,E1,2012-04-01,2012-04-15,2015-01-01\n"
        "I2,T1,Hemtjänst,E1,2020-05-01,2020-04-01,\n"
        "I3,T9,Okänd,E9,igår,,\n"
    )
    r = importera_insatser(fil)
    assert r.skapade == 1
    fel = {(f.rad, f.falt): f.orsak for f in r.fel}
    assert fel[(3, "startdatum")] == "Verkställighetsdatum kan inte ligga före beslutsdatum."
    assert {(4, "brukare_externt_id"), (4, "insatstyp"), (4, "enhet_kod"), (4, "beslutsdatum")} <= set(fel)
    i = Insats.objects.get(externt_id="I1")
    assert (i.lag, i.enhet, str(i.beslutsdatum)) == ("SoL", org.e1, "2012-04-01")
    igen = importera_insatser(fil)
    assert (igen.skapade, igen.oforandrade) == (0, 1)


def test_insatser_import_refuses_dates_outside_1900_to_2100(org, nummer):
    # Samma gränser som formulären och API:t: år 1 och 9999 sparas inte (de ger 500 längre fram).
    importera_brukare(_brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;"))
    insatstyp("Hemtjänst", "SoL")
    fil = (
        "externt_id,brukare_externt_id,insatstyp,enhet_kod,beslutsdatum,startdatum,slutdatum\n"
        "I1,T1,Hemtjänst,E1,0001-01-01,9999-12-31,\n"
        "I2,T1,Hemtjänst,E1,1900-01-01,2100-12-31,\n"
    )
    r = importera_insatser(fil)
    fel = {(f.rad, f.falt): f.orsak for f in r.fel}
    assert fel == {
        (2, "beslutsdatum"): "ska ligga mellan 1900-01-01 och 2100-12-31",
        (2, "startdatum"): "ska ligga mellan 1900-01-01 och 2100-12-31",
    }
    assert r.skapade == 1 and list(Insats.objects.values_list("externt_id", flat=True)) == ["I2"]


def test_import_commands(org, nummer, tmp_path):
    fil = tmp_path / "brukare.csv"
    fil.write_text(_brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;", "T2;fel;Bo;Al;N1;;"), encoding="utf-8")
    fel = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_brukare", str(fil), "--dry-run", stdout=io.StringIO(), stderr=fel)
    assert "Rad 3, personnummer" in fel.getvalue()
    assert not Brukare.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_brukare", str(fil), "--strict", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Brukare.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_brukare", str(fil), stdout=io.StringIO(), stderr=io.StringIO())
    assert Brukare.objects.filter(externt_id="T1").exists()
    insatstyp("Hemtjänst", "SoL")
    ifil = tmp_path / "insatser.csv"
    ifil.write_text("externt_id;brukare_externt_id;insatstyp;beslutsdatum\nI1;T1;Hemtjänst;2019-01-01\n")
    ut = io.StringIO()
    call_command("import_insatser", str(ifil), stdout=ut)
    assert "Skapade 1" in ut.getvalue()


def test_import_through_api_is_limited_to_own_council(api, cast, org, nummer):
    fil = _brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;", f"T2;{nummer[1]};Bo;Al;N2;;")
    svar = api(cast.kim).post("/api/v1/import/brukare/", {"csv": fil}, format="json")
    assert svar.status_code == 200, svar.content
    data = svar.json()
    assert data["skapade"] == 1 and data["skrevs"] is True
    assert data["fel"] == [{"rad": 3, "falt": "namnd_kod", "orsak": "du får inte importera till den nämnden"}]
    torr = api(cast.kim).post(
        "/api/v1/import/brukare/",
        {"csv": _brukarfil(f"T3;{nummer[2]};C;D;N1;;"), "dry_run": True},
        format="json",
    )
    assert torr.json()["skrevs"] is False and not Brukare.objects.filter(externt_id="T3").exists()


def test_import_through_api_refused_for_roles_without_councils(api, cast, org):
    for vem in (cast.erik, cast.lars, cast.ada, cast.pia):
        assert api(vem).post("/api/v1/import/brukare/", {"csv": "x"}, format="json").status_code == 403
    assert api(cast.kim).post("/api/v1/import/insatser/", {}, format="json").status_code == 400


def test_import_file_upload(api, cast, org, nummer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fil = SimpleUploadedFile("b.csv", _brukarfil(f"T1;{nummer[0]};Anna;Ek;N1;;").encode("utf-8-sig"))
    svar = api(cast.hanna).post("/api/v1/import/brukare/", {"fil": fil}, format="multipart")
    assert svar.status_code == 200 and svar.json()["skapade"] == 1


# --- importen och andra nämnders brukare --------------------------------------------------------------


def _fel(svar):
    assert svar.status_code == 200, svar.content
    return svar.json()["fel"]


def test_import_refuses_row_whose_id_belongs_to_another_committees_person(api, cast, org, brukare, nummer):
    b4 = brukare.b4
    b4.externt_id = "N2-4"
    b4.save()
    svar = api(cast.hanna).post(
        "/api/v1/import/brukare/", {"csv": _brukarfil(f"N2-4;{nummer[0]};Ny;Person;N1;;hanna")}, format="json"
    )
    assert _fel(svar) == [{"rad": 2, "falt": "rad", "orsak": BRUKARE_KAN_INTE_SPARAS}]
    assert "Björk" not in svar.content.decode() and b4.personnummer[:8] not in svar.content.decode()
    b4.refresh_from_db()
    assert (b4.namnd, b4.fornamn, b4.efternamn, b4.handlaggare) == (org.n2, "Bo", "Björk", cast.hugo)


def test_import_gives_one_generic_answer_for_numbers_of_hidden_people(api, cast, org, brukare):
    # b4 finns i N2; skyddad_annan i N1 har skyddad identitet utan Hanna som handläggare.
    fil = _brukarfil(
        f"T1;{brukare.b4.personnummer};A;B;N1;;",
        f"T2;{brukare.skyddad_annan.personnummer};C;D;N1;;",
    )
    for dry_run in (True, False):
        fel = _fel(
            api(cast.hanna).post("/api/v1/import/brukare/", {"csv": fil, "dry_run": dry_run}, format="json")
        )
        assert fel == [
            {"rad": 2, "falt": "rad", "orsak": BRUKARE_KAN_INTE_SPARAS},
            {"rad": 3, "falt": "rad", "orsak": BRUKARE_KAN_INTE_SPARAS},
        ]
    assert not Brukare.objects.filter(externt_id__in=["T1", "T2"]).exists()
    # Den som ser brukaren får fortfarande veta att numret finns.
    synlig = _fel(
        api(cast.hanna).post(
            "/api/v1/import/brukare/",
            {"csv": _brukarfil(f"T3;{brukare.b3.personnummer};E;F;N1;;")},
            format="json",
        )
    )
    assert synlig == [
        {"rad": 2, "falt": "personnummer", "orsak": "Det finns redan en brukare med det numret."}
    ]


def test_import_neither_hands_over_nor_unprotects_nor_lets_others_touch_protected_person(
    api, cast, org, brukare
):
    skyddad = brukare.skyddad
    skyddad.externt_id = "S1"
    skyddad.save()
    nr = skyddad.personnummer
    egen = _fel(
        api(cast.hanna).post(
            "/api/v1/import/brukare/", {"csv": _brukarfil(f"S1;{nr};Hemlig;Person;N1;nej;kim")}, format="json"
        )
    )
    assert {f["falt"] for f in egen} == {"handlaggare", "skyddad_identitet"}
    annan = _fel(
        api(cast.kim).post(
            "/api/v1/import/brukare/",
            {"csv": _brukarfil(f"S1;{nr};Hemlig;Person;N1;ja;hanna")},
            format="json",
        )
    )
    assert [f["falt"] for f in annan] == ["rad"] and "Hemlig" not in annan[0]["orsak"]
    skyddad.refresh_from_db()
    assert (skyddad.handlaggare, skyddad.skyddad_identitet) == (cast.hanna, True)


def test_insatser_import_answers_as_for_unknown_id_for_other_committees_person(api, cast, brukare):
    brukare.b4.externt_id = "N2-4"
    brukare.b4.save()
    insatstyp("Hemtjänst", "SoL")
    fil = "externt_id;brukare_externt_id;insatstyp;beslutsdatum\nI1;N2-4;Hemtjänst;2020-01-01\nI2;FINNS-EJ;Hemtjänst;2020-01-01\n"
    fel = _fel(api(cast.hanna).post("/api/v1/import/insatser/", {"csv": fil}, format="json"))
    assert fel[0]["orsak"] == fel[1]["orsak"] == "ingen brukare har det id:t (importera brukarna först)"
    assert not Insats.objects.filter(externt_id="I1").exists()
