"""Sökningen (kvalitet/sok.py): varje roll hittar det den får läsa och inget annat; skyddad identitet,
anonyma rapportörer och lex Sarah-rapportörer hittas aldrig på namn; referensnummer; svensk stamning."""

import pytest
from django.db import connection
from django.urls import reverse

from avvikelser.models import Avvikelse, Klagomal
from kvalitet import sok
from kvalitet.models import Atkomstlogg
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory
from tests.lexsarah.factories import RapportFactory


def _refs(user, fraga):
    return {t.referensnummer for g in sok.sok(user, fraga) for t in g.traffar}


@pytest.fixture
def poster(org, cast, brukare):
    """En avvikelse, ett klagomål och ett lex Sarah-ärende om fel medicin vid E1, E3 och E4."""
    p = {}
    for kod, enhet, rapportor in (
        ("1", org.e1, cast.pia),
        ("3", org.e3, cast.elsa),
        ("4", org.e4, cast.sofia),
    ):
        p[f"av{kod}"] = AvvikelseFactory(
            referensnummer=f"AV-2026-00000{kod}",
            enhet=enhet,
            rapporterad_av=rapportor,
            beskrivning=f"Den enskilde fick medicinen för sent vid enhet {kod}.",
        )
        p[f"ks{kod}"] = KlagomalFactory(
            referensnummer=f"KS-2026-00000{kod}", enhet=enhet, beskrivning="Fel medicin gavs på kvällen."
        )
        p[f"ls{kod}"] = RapportFactory(
            referensnummer=f"LS-2026-00000{kod}",
            enhet=enhet,
            rapporterad_av=rapportor,
            beskrivning="Medicinen saknades hela helgen.",
        )
    return p


def test_each_role_finds_only_what_it_may_read(cast, poster):
    assert _refs(cast.erik, "medicin") == {"AV-2026-000001", "KS-2026-000001", "LS-2026-000001"}
    assert _refs(cast.elsa, "medicin") == {"AV-2026-000003", "KS-2026-000003", "LS-2026-000003"}
    assert _refs(cast.vera, "medicin") == {"AV-2026-000001", "KS-2026-000001", "LS-2026-000001"}
    assert _refs(cast.kim, "medicin") == {
        *(f"{p}-2026-00000{n}" for p in ("AV", "KS", "LS") for n in ("1", "3")),
    }
    assert _refs(cast.sofia, "medicin") == {"AV-2026-000004", "KS-2026-000004", "LS-2026-000004"}
    # Personalen hittar sin egen avvikelse, men inte sin lex Sarah-rapport (bara status, på Mina rapporter).
    assert _refs(cast.pia, "medicin") == {"AV-2026-000001"}
    for user in (cast.lars, cast.ada, cast.utan, cast.hugo):
        assert _refs(user, "medicin") == set()


def test_results_are_grouped_by_module_with_status_node_and_date(cast, poster):
    grupper = {g.modul: g for g in sok.sok(cast.erik, "medicin")}
    assert list(grupper) == ["Avvikelser", "Klagomål och synpunkter", "Lex Sarah"]
    t = grupper["Avvikelser"].traffar[0]
    assert (t.status, t.nod, t.lank) == ("Rapporterad", "Enhet E1", f"/avvikelser/{poster['av1'].pk}/")
    assert t.datum == poster["av1"].rapporterad


def test_page_is_for_roles_that_read_records_and_the_menu_box_follows(cast, poster, logga_in):
    assert logga_in(cast.lars).get(reverse("kvalitet:sok"), {"q": "medicin"}).status_code == 403
    assert 'id="meny-sok"' not in logga_in(cast.lars).get(reverse("kvalitet:start")).content.decode()
    klient = logga_in(cast.erik)
    assert 'id="meny-sok"' in klient.get(reverse("kvalitet:start")).content.decode()
    html = klient.get(reverse("kvalitet:sok"), {"q": "medicin"}).content.decode()
    assert "AV-2026-000001" in html and "AV-2026-000003" not in html
    # PostgreSQL markerar ordet ("<mark>medicinen</mark>"), SQLite det sökta ("<mark>medicin</mark>en").
    assert "<mark>medicin" in html.lower()


def test_too_short_query_is_a_swedish_error_and_keeps_the_text(cast, logga_in):
    svar = logga_in(cast.erik).get(reverse("kvalitet:sok"), {"q": "x"})
    html = svar.content.decode()
    assert svar.status_code == 400
    assert "Skriv minst två tecken." in html and 'value="x"' in html and "<title>Fel:" in html
    # Sök utan text: sidan med rutan, inget fel och inga träffar.
    svar = logga_in(cast.erik).get(reverse("kvalitet:sok"), {"q": "  "})
    assert svar.status_code == 200 and "Fel:" not in svar.content.decode()


def test_reference_number_matches_exactly_padded_and_as_prefix(cast, poster):
    assert _refs(cast.kim, "AV-2026-000001") == {"AV-2026-000001"}
    assert _refs(cast.kim, "av-2026-1") == {"AV-2026-000001"}  # löpnumret utan nollor
    assert _refs(cast.kim, "AV-2026") == {"AV-2026-000001", "AV-2026-000003"}
    assert _refs(cast.kim, "LS-2026-00000") == {"LS-2026-000001", "LS-2026-000003"}
    # Ett referensnummer utanför scope hittas inte, inte ens exakt.
    assert _refs(cast.elsa, "AV-2026-000001") == set()
    assert _refs(cast.kim, "AV-2026-000004") == set()


def test_protected_identity_is_never_found_by_name_or_number(cast, org, brukare):
    skyddad = brukare.skyddad
    AvvikelseFactory(
        referensnummer="AV-2026-000020",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        brukare=skyddad,
        beskrivning=f"Hemlig Person ({skyddad.personnummer_visning}) föll i badrummet, fick fel medicin.",
    )
    ls = RapportFactory(
        referensnummer="LS-2026-000020",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning=f"Dold Doldsson, {brukare.skyddad_annan.personnummer}, lämnades ensam med medicinen.",
    )
    ls.ovriga_brukare.add(brukare.skyddad_annan)
    for user in (cast.erik, cast.kim, cast.vera):
        for fraga in (
            "Hemlig",
            "He",
            "emli",
            "Hemligs",
            "hemlig person",
            "Person",
            skyddad.personnummer,
            skyddad.personnummer_visning,
            skyddad.personnummer[2:],
            "Doldsson",
            "dold",
            brukare.skyddad_annan.personnummer,
        ):
            assert _refs(user, fraga) == set(), (user, fraga)
    # Posten själv går att hitta på sitt innehåll och sitt referensnummer, men namnen och numren står inte i
    # utdraget.
    assert _refs(cast.erik, "AV-2026-000020") == {"AV-2026-000020"}
    assert _refs(cast.kim, "LS-2026") == {"LS-2026-000020"}
    traffar = [t for g in sok.sok(cast.kim, "medicin") for t in g.traffar]
    assert {t.referensnummer for t in traffar} == {"AV-2026-000020", "LS-2026-000020"}
    for t in traffar:
        for hemligt in (
            "Hemlig",
            "Person",
            "Dold",
            skyddad.personnummer[8:],
            brukare.skyddad_annan.personnummer,
        ):
            assert hemligt not in t.utdrag, (t.referensnummer, t.utdrag)
        assert sok.SKYDDAD in t.utdrag


def test_anonymous_and_lex_sarah_reporters_and_complainants_are_not_searchable_by_name(cast, org):
    cast.pia.first_name, cast.pia.last_name = "Petronella", "Hemligsson"
    cast.pia.save()
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, anonym=True, beskrivning="Larmet gick inte.")
    RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, beskrivning="Larmet var avstängt.")
    KlagomalFactory(enhet=org.e1, anonym=False, namn="Klara Klagare", beskrivning="Larmet tjöt.")
    KlagomalFactory(enhet=org.e1, anonym=True, beskrivning="Larmet tjöt hela natten.")
    for fraga in ("Petronella", "Hemligsson", "pia", "Klara", "Klagare"):
        assert _refs(cast.kim, fraga) == set()
        assert _refs(cast.erik, fraga) == set()
    assert len(_refs(cast.kim, "larmet")) == 4


def test_swedish_stemming_on_postgres(cast, org, postgres):
    def avvikelse(ref, text):
        AvvikelseFactory(referensnummer=ref, enhet=org.e1, rapporterad_av=cast.pia, beskrivning=text)

    avvikelse("AV-2026-000101", "Brukaren faller ofta på natten.")
    avvikelse("AV-2026-000102", "Hon föll i hallen.")
    avvikelse("AV-2026-000103", "Fallet utreds.")
    avvikelse("AV-2026-000104", "Medicinerna kom inte.")
    avvikelse("AV-2026-000105", "Rullatorn gick sönder.")
    # Vad den svenska konfigurationen gör: böjningar med samma stam hittas ("brukare" - "brukaren",
    # "fall" - "faller"), men "fallet" och "rullatorn" har egna stammar och starka verbformer ("föll") med.
    # Sökningen tar därför varje ord som början av en stam ("fall:*" hittar också "fallet", "rullator:*"
    # "rullatorn"); "föll" hittas fortfarande inte av "fall".
    assert _refs(cast.erik, "brukare") == {"AV-2026-000101"}
    assert _refs(cast.erik, "fall") == {"AV-2026-000101", "AV-2026-000103"}
    assert _refs(cast.erik, "fallet") == {"AV-2026-000103"}
    assert _refs(cast.erik, "medicin") == {"AV-2026-000104"}
    assert _refs(cast.erik, "rullator") == {"AV-2026-000105"}
    assert _refs(cast.erik, "föll") == {"AV-2026-000102"}
    assert _refs(cast.erik, "hon hallen") == {"AV-2026-000102"}  # alla orden
    assert _refs(cast.erik, "och i att") == set()  # bara stoppord: inget, inget fel
    # websearch-syntax: citat, minus och or ger aldrig ett syntaxfel.
    assert _refs(cast.erik, '"faller ofta" -hallen') == {"AV-2026-000101"}
    assert _refs(cast.erik, "hallen or utreds") == {"AV-2026-000102", "AV-2026-000103"}
    assert _refs(cast.erik, "!!! ( & :* \\") == set()


def test_the_best_match_comes_first_on_postgres(cast, org, postgres):
    AvvikelseFactory(
        referensnummer="AV-2026-000201",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning="Larm. " + "Annat. " * 40,
    )
    AvvikelseFactory(
        referensnummer="AV-2026-000202",
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning="Larm larm larm, larmet fungerade inte.",
    )
    traffar = sok.sok(cast.erik, "larm")[0].traffar
    assert [t.referensnummer for t in traffar] == ["AV-2026-000202", "AV-2026-000201"]
    assert traffar[0].rang > traffar[1].rang


def test_snippet_is_escaped_except_the_highlight(cast, org):
    AvvikelseFactory(
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning='<script>alert("x")</script> <b>medicinen</b> & "mer"',
    )
    (t,) = sok.sok(cast.erik, "medicinen")[0].traffar
    assert "<script>" not in t.utdrag and "<b>" not in t.utdrag
    assert "<mark>medicinen</mark>" in t.utdrag
    assert t.utdrag.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_the_sqlite_fallback_matches_every_word_in_any_field(cast, org):
    a = AvvikelseFactory(
        enhet=org.e1,
        rapporterad_av=cast.pia,
        beskrivning="Dörren var olåst.",
        slutsats="Rutinen för nattlåsning följdes inte.",
    )
    AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia, beskrivning="Dörren gick i baklås.")
    qs = Avvikelse.objects.all()
    falt = ("beskrivning", "slutsats")
    assert sok.enkel_sok(qs, falt, "dörren NATTLÅSNING", 10, "rapporterad") == [a]
    assert len(sok.enkel_sok(qs, falt, "dörren", 10, "rapporterad")) == 2
    assert sok.enkel_sok(qs, falt, "fönster", 10, "rapporterad") == []
    # Utdraget: escapat, den första träffen markerad.
    utdrag = sok._utdrag_html(sok._enkelt_utdrag(a, falt, sok.tolka("nattlåsning")), [])
    assert utdrag == "Rutinen för <mark>nattlåsning</mark> följdes inte."


def test_search_lists_are_bounded_in_queries(cast, org, brukare, logga_in, django_assert_max_num_queries):
    for i in range(30):
        AvvikelseFactory(
            enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, beskrivning=f"Medicin {i}"
        )
        KlagomalFactory(enhet=org.e1, beskrivning=f"Medicin {i}")
        r = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, beskrivning="Medicin")
        r.ovriga_brukare.add(brukare.b3)
    klient = logga_in(cast.kim)
    # Sessionen och menyn (7), roller och noder (2), två frågor per sökt tabell (träffarna och deras utdrag,
    # 6), de övriga berörda i lex Sarah (1) och åtkomstloggen (1): inte fler för fler träffar.
    with django_assert_max_num_queries(17):
        svar = klient.get(reverse("kvalitet:sok"), {"q": "medicin"})
    assert svar.status_code == 200
    assert svar.content.decode().count("kv-sokresultat") == 3


def test_a_search_that_shows_individuals_cases_is_audit_logged_without_the_query(
    cast, org, brukare, logga_in
):
    AvvikelseFactory(
        enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1, beskrivning="Medicinen saknades."
    )
    KlagomalFactory(enhet=org.e1, beskrivning="Ett klagomål om medicinen.")
    logga_in(cast.erik).get(reverse("kvalitet:sok"), {"q": "medicinen"})
    (post,) = Atkomstlogg.objects.filter(anvandare=cast.erik)
    assert post.brukare_id == brukare.b1.pk and post.vad == "sökning"
    assert "medicin" not in post.sokvag
    # Utan träffar som berör någon: ingen post.
    logga_in(cast.erik).get(reverse("kvalitet:sok"), {"q": "klagomål"})
    assert Atkomstlogg.objects.filter(anvandare=cast.erik).count() == 1


def test_the_gin_index_serves_the_search(db, postgres):
    from kvalitet.sok import sokvektor

    qs = Avvikelse.objects.annotate(
        v=sokvektor("beskrivning", "atgard_direkt", "konsekvens_for_brukaren", "slutsats")
    ).filter(v="medicin")
    with connection.cursor() as c:
        c.execute("SET enable_seqscan = off")
        try:
            plan = qs.explain()
        finally:
            c.execute("RESET enable_seqscan")
    assert "avvikelse_sok" in plan
    klagomal = Klagomal.objects.annotate(v=sokvektor("beskrivning", "aterkoppling_hur")).filter(v="medicin")
    with connection.cursor() as c:
        c.execute("SET enable_seqscan = off")
        try:
            assert "klagomal_sok" in klagomal.explain()
        finally:
            c.execute("RESET enable_seqscan")
