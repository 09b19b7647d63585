"""Riskanalysen som PDF, i samma sandlåda som kvalitetsberättelsen (kvalitet/pdf.py)."""

from django.template.loader import render_to_string

from kvalitet import access
from kvalitet import pdf as sandlada
from riskanalys import queries


def html(analys, user) -> str:
    """PDF:ens HTML för analysen som `user` ser den (skyddad identitet visas bara för ärendets handläggare)."""
    riskerna = queries.risker(analys)
    return render_to_string(
        "riskanalys/pdf.html",
        {
            "analys": analys,
            "risker": riskerna,
            "matris": queries.matris(riskerna),
            "brukare": [access.brukare_visningsnamn(user, b) for b in analys.brukare.all()],
        },
    )


def pdf(analys, user) -> bytes:
    """PDF-bytes för analysen som `user` ser den."""
    return sandlada.rendera(html(analys, user), base_url=str(sandlada.STATIC[0]) + "/")
