"""Lex Sarah-anmälan till IVO bär det IVO:s blankett frågar efter (lexsarah/ivo.py, källan där):
ärendet visar en checklista, och anmälan kan inte registreras som skickad medan ett obligatoriskt fält
saknas, med ett svenskt meddelande. Vårdgivarens kontaktperson är nämndens kvalitetssamordnare."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kvalitet.models import Rolltilldelning
from lexsarah import ivo, services
from lexsarah.models import Rapport, Status

pytestmark = pytest.mark.django_db


def _allvarlig(cast, org, **kw):
    rapport = services.rapport_lamna(
        rapport=Rapport(
            enhet=kw.pop("enhet", org.e1),
            handelsetid=timezone.now() - datetime.timedelta(hours=5),
            upptackt=timezone.now() - datetime.timedelta(hours=4),
            sammanfattning="Fall utan tillsyn",
            beskrivning="Den enskilde föll och låg kvar i tre timmar.",
            **kw,
        ),
        av=cast.pia,
    )
    return services.markera_allvarligt_preliminart(rapport=rapport, av=cast.kim, motivering="Fraktur.")


def _lista(rapport):
    return {f["nyckel"]: (f["kravs"], f["ifyllt"]) for f in ivo.checklista(rapport)}


def test_blankett_fields_are_listed_in_order_with_the_contact_person_first(cast, org):
    nycklar = [f.nyckel for f in ivo.BLANKETT]
    assert nycklar[:4] == ["vardgivare", "organisationsnummer", "kontaktperson", "verksamhet"]
    assert {f.nyckel for f in ivo.BLANKETT if f.kravs} == {
        "vardgivare", "kontaktperson", "verksamhet", "handelse", "tidpunkter", "allvarligt",
    }  # fmt: skip
    rapport = _allvarlig(cast, org)
    lista = _lista(rapport)
    assert lista["kontaktperson"] == (True, True)
    assert lista["atgard_direkt"] == (False, False) and lista["orsaker"] == (False, False)
    assert ivo.kontaktpersoner(rapport) == [{"namn": "Kim " + cast.kim.last_name, "epost": cast.kim.email}]
    assert ivo.saknas_for_anmalan(rapport) == []


def test_sending_is_refused_in_swedish_while_the_contact_person_is_missing(cast, org):
    rapport = _allvarlig(cast, org)
    cast.kim.email = ""
    cast.kim.save()
    assert ivo.saknas_for_anmalan(rapport) == ["Vårdgivarens kontaktperson för anmälan: namn och e-post"]
    with pytest.raises(ValidationError, match="IVO:s blankett kräver vårdgivarens kontaktperson"):
        services.anmal_till_ivo(rapport=rapport, av=cast.kim, skickad=timezone.localdate())
    rapport.refresh_from_db()
    assert rapport.ivo_skickad is None and rapport.status != Status.ANMALD_IVO
    # En utgången roll räknas inte; en giltig samordnare med e-post gör att anmälan går igenom.
    Rolltilldelning.objects.filter(anvandare=cast.kim).update(
        giltig_till=timezone.localdate() - datetime.timedelta(days=1)
    )
    cast.kim.email = "kim@kommun.example"
    cast.kim.save()
    assert "kontaktperson" in " ".join(ivo.saknas_for_anmalan(rapport))
    Rolltilldelning.objects.filter(anvandare=cast.kim).update(giltig_till=None)
    rapport = services.anmal_till_ivo(rapport=rapport, av=cast.kim, skickad=timezone.localdate())
    assert rapport.status == Status.ANMALD_IVO


def test_the_other_committees_coordinator_is_not_the_contact(cast, org):
    rapport = _allvarlig(cast, org)
    assert [k["epost"] for k in ivo.kontaktpersoner(rapport)] == [cast.kim.email]
    andra = services.rapport_lamna(
        rapport=Rapport(
            enhet=org.e4,
            handelsetid=timezone.now() - datetime.timedelta(hours=5),
            upptackt=timezone.now() - datetime.timedelta(hours=4),
            sammanfattning="x",
            beskrivning="y",
        ),
        av=cast.pia,
    )
    assert [k["epost"] for k in ivo.kontaktpersoner(andra)] == [cast.sofia.email]


def test_case_page_shows_the_checklist_and_the_refusal(cast, org, logga_in):
    rapport = _allvarlig(cast, org)
    klient = logga_in(cast.kim)
    sida = klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert 'id="ivo-checklista"' in sida
    assert "Åtgärder som vidtagits omedelbart" in sida and "(kan skickas som komplettering)" in sida
    assert "(krävs innan anmälan skickas)" not in sida
    cast.kim.email = ""
    cast.kim.save()
    sida = klient.get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "(krävs innan anmälan skickas)" in sida
    svar = klient.post(
        reverse("lexsarah:ivo_anmal", args=[rapport.pk]), {"skickad": timezone.localdate().isoformat()}
    )
    assert svar.status_code == 400
    assert "Anmälan kan inte registreras som skickad" in svar.content.decode()
    rapport.refresh_from_db()
    assert rapport.ivo_skickad is None


def test_ivo_document_carries_the_contact_person_and_org_number(cast, org, settings):
    from lexsarah.views import ivo_dokument

    settings.KOMMUN_ORGANISATIONSNUMMER = "212000-0001"
    rapport = _allvarlig(cast, org)
    assert _lista(rapport)["organisationsnummer"] == (False, True)
    from django.template.loader import render_to_string

    html = render_to_string("lexsarah/ivo_anmalan.html", {"r": rapport, "huvudman": "K", "namnd": org.n1})
    assert "Organisationsnummer 212000-0001" in html
    assert f"Kontaktperson hos vårdgivaren: Kim {cast.kim.last_name}, {cast.kim.email}" in html
    assert ivo_dokument(cast.kim, rapport).startswith(b"%PDF")
