from django.urls import reverse

from lexsarah.models import Rapport
from tests.avvikelser.factories import AvvikelseFactory


def test_escalating_a_deviation_creates_one_linked_report_shown_on_the_deviation(
    cast, org, brukare, logga_in
):
    avvikelse = AvvikelseFactory(enhet=org.e1, brukare=brukare.b1, rapporterad_av=cast.pia)
    klient = logga_in(cast.erik)
    url = reverse("avvikelser:eskalera", args=[avvikelse.pk])
    assert klient.post(url).status_code == 302
    assert klient.post(url).status_code == 302
    rapport = Rapport.objects.get()
    assert rapport.avvikelse_id == avvikelse.pk and rapport.rapportor_chef
    html = klient.get(reverse("avvikelser:detalj", args=[avvikelse.pk])).content.decode()
    assert reverse("lexsarah:detalj", args=[rapport.pk]) in html


def test_report_for_deviation_is_scoped(cast, org):
    from lexsarah import queries, services

    avvikelse = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    rapport = services.rapport_fran_avvikelse(avvikelse=avvikelse, av=cast.erik)
    assert queries.rapport_for_avvikelse(cast.kim, avvikelse) == rapport
    assert queries.rapport_for_avvikelse(cast.elsa, avvikelse) is None
    assert queries.rapport_for_avvikelse(cast.sofia, avvikelse) is None
