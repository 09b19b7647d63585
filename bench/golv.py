"""Golvet för lasttestet: en bar Django-vy som läser samma rader som kön för en enhet (första sidan,
25 avvikelser med enhet, kategori och brukare, nyast först) och visar dem i en minimal HTML-mall. Inga
sessioner, ingen inloggning, inga åtkomstregler eller mallarv: det som återstår är gunicorn, Django och en
fråga mot samma databas. Bara för bench/golv_settings.py, aldrig i produktens URL:er."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from avvikelser.models import Avvikelse
from kvalitet.models import OrgNod

ENHET = "N-AO-1"  # demochefens enhet: samma enhet som kön i lasttestet visar
MALL = engines["django"].from_string(
    """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Golv</title></head><body>
<table><thead><tr><th>Ref.nr</th><th>Rapporterad</th><th>Enhet</th><th>Kategori</th><th>Enskild</th>
<th>Status</th></tr></thead><tbody>
{% for a in rader %}<tr><td><a href="/avvikelser/{{ a.pk }}/">{{ a.referensnummer }}</a></td>
<td>{{ a.rapporterad|date:"Y-m-d" }}</td><td>{{ a.enhet.namn }}</td><td>{{ a.kategori.namn }}</td>
<td>{% if a.brukare_id %}ja{% else %}–{% endif %}</td><td>{{ a.get_status_display }}</td></tr>
{% endfor %}</tbody></table></body></html>"""
)
_enhet_id: int | None = None


def rader(antal: int = 25) -> list[Avvikelse]:
    global _enhet_id
    if _enhet_id is None:
        # En gång per process, så att varje begäran är en enda fråga.
        _enhet_id = OrgNod.objects.values_list("pk", flat=True).get(kod=ENHET)
    return list(
        Avvikelse.objects.filter(enhet_id=_enhet_id)
        .select_related("enhet", "kategori", "brukare")
        .order_by("-rapporterad", "-pk")[:antal]
    )


def golv(request):
    return HttpResponse(MALL.render({"rader": rader()}))


urlpatterns = [path("golv/", golv)]
