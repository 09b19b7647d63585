"""Exporter till Excel (xlsx) och CSV: varje export skriver sina celler härifrån.

En cell som börjar med `=`, `+`, `-`, `@`, tab eller CR får en apostrof först (OWASP: CSV injection), så att
fritext som en lex Sarah-sammanfattning `=HYPERLINK(...)` står som text i kalkylprogrammet och aldrig blir
en formel.
"""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FARLIGA_TECKEN = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ofarlig_cell(varde):
    """Värdet som det ska stå i cellen; text som ett kalkylprogram skulle läsa som formel blir text."""
    if isinstance(varde, str) and varde.startswith(FARLIGA_TECKEN):
        return "'" + varde
    return varde


def _ofarlig_rad(rad: Iterable) -> list:
    return [ofarlig_cell(v) for v in rad]


def excel_svar(
    *, filnamn: str, bladnamn: str, rubriker: Sequence[str], rader: Iterable[Sequence]
) -> HttpResponse:
    """Ett blad med rubrikrad och rader, som nedladdning."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    bok = Workbook()
    blad = bok.active
    blad.title = bladnamn
    blad.append(_ofarlig_rad(rubriker))
    for rad in rader:
        # Styrtecken kan inte sparas i xlsx (openpyxl vägrar); de tas bort i stället för att exporten fallerar.
        celler = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in _ofarlig_rad(rad)]
        blad.append(celler)
    svar = HttpResponse(content_type=XLSX)
    svar["Content-Disposition"] = f'attachment; filename="{filnamn}"'
    bok.save(svar)
    return svar


def csv_svar(*, filnamn: str, rubriker: Sequence[str], rader: Iterable[Sequence]) -> HttpResponse:
    """Semikolonseparerad UTF-8 med BOM (så att Excel läser å, ä, ö rätt), som nedladdning."""
    svar = HttpResponse(content_type="text/csv; charset=utf-8")
    svar["Content-Disposition"] = f'attachment; filename="{filnamn}"'
    svar.write("\ufeff")
    skrivare = csv.writer(svar, delimiter=";")
    skrivare.writerow(_ofarlig_rad(rubriker))
    for rad in rader:
        skrivare.writerow(_ofarlig_rad(rad))
    return svar


def excel_bok(
    request,
    filnamn: str,
    blad: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]],
    *,
    vad: str,
    logg: str = "kvalitet.export",
):
    """En arbetsbok med ett blad per tabell, skriven strömmande (openpyxl write_only, till en temporär fil)
    och skickad som FileResponse. Raderna kan vara en generator: de läses en i taget och hålls aldrig alla i
    minnet. Cellerna skyddas som ovan (formler blir text). Exporten loggas i applikationsloggen `logg` med
    användare och sökväg; en export av enskildas poster skriver dessutom själv åtkomstloggen (logga_visning),
    eftersom bara den vet vilka enskilda som stod i filen."""
    import logging
    import tempfile

    from django.http import FileResponse
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from kvalitet.audit import loggad_sokvag

    def cell(v):
        v = ofarlig_cell(v)
        return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v

    bok = Workbook(write_only=True)
    for namn, rubriker, rader in blad:
        ark = bok.create_sheet(title=namn[:31])
        ark.append([cell(r) for r in rubriker])
        for rad in rader:
            ark.append([cell(v) for v in rad])
    fil = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse stänger den)
    bok.save(fil)
    fil.seek(0)
    logging.getLogger(logg).info(
        "Export till Excel: %s (användare %s, %s)", vad, request.user.pk, loggad_sokvag(request)
    )
    return FileResponse(fil, as_attachment=True, filename=filnamn, content_type=XLSX)
