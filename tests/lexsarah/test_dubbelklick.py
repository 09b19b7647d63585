"""Ett dubbelklick på "Skicka rapporten" ger en lex Sarah-rapport och en omgång meddelanden, inte två."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from kvalitet.models import Notifikation
from lexsarah.models import Rapport


def _tid(timmar):
    return (timezone.localtime() - datetime.timedelta(hours=timmar)).strftime("%Y-%m-%dT%H:%M")


def test_the_same_report_form_posted_twice_creates_one_report(cast, org, logga_in):
    klient = logga_in(cast.pia)
    html = klient.get(reverse("lexsarah:rapportera")).content.decode()
    nyckel = re.search(r'name="inlamningsnyckel" value="([0-9a-f-]{36})"', html).group(1)
    data = {
        "inlamningsnyckel": nyckel,
        "enhet": org.e1.pk,
        "handelsetid": _tid(5),
        "upptackt": _tid(4),
        "sammanfattning": "Utebliven tillsyn",
        "beskrivning": "Ingen kom på natten.",
    }
    svar = [klient.post(reverse("lexsarah:rapportera"), data, follow=True) for _ in range(2)]
    rapport = Rapport.objects.get()
    for s in svar:
        assert s.redirect_chain[-1][0] == reverse("lexsarah:mina")
        assert f"Rapporten har referensnummer {rapport.referensnummer}" in s.content.decode()
    assert rapport.handelser.count() == 1
    assert Notifikation.objects.filter(mottagare=cast.kim).count() == 1
