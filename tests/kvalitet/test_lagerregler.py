"""Importreglerna mellan apparna (docs/ARCHITECTURE.md), kontrollerade med `ast` i stället för import-linter.

1. Kärnan (`kvalitet`) importerar ingen app.
2. En app importerar av en annan app bara dess `services` eller `queries`.
3. `rapporter` importerar av de andra apparna bara `queries` (den läser, skriver aldrig).
4. Inga kretsar mellan apparna.
5. Inga reservvägar för en app som "kanske saknas" (`except ImportError`).

Varje `import` räknas, också de inne i funktioner. Migreringar (genererade) och testerna räknas inte.
"""

import ast
import pathlib
import textwrap

import pytest

ROT = pathlib.Path(__file__).resolve().parents[2]
KARNA = "kvalitet"
APPAR = ("avvikelser", "lexsarah", "riskanalys", "uppfoljning", "rapporter")
TILLATNA = {"services", "queries"}
BARA_LASNING = {"rapporter": {"queries"}}


def _importer(fil: pathlib.Path):
    """(rad, importerad modul) för varje absolut import i filen; `from app import queries` ger app.queries."""
    trad = ast.parse(fil.read_text(encoding="utf-8"), filename=str(fil))
    for nod in ast.walk(trad):
        if isinstance(nod, ast.Import):
            for alias in nod.names:
                yield nod.lineno, alias.name
        elif isinstance(nod, ast.ImportFrom) and nod.level == 0 and nod.module:
            if "." in nod.module:
                yield nod.lineno, nod.module
            else:
                for alias in nod.names:
                    yield nod.lineno, f"{nod.module}.{alias.name}"


def _reservvagar(fil: pathlib.Path):
    trad = ast.parse(fil.read_text(encoding="utf-8"), filename=str(fil))
    for nod in ast.walk(trad):
        if isinstance(nod, ast.ExceptHandler) and nod.type is not None:
            namn = [n.id for n in ast.walk(nod.type) if isinstance(n, ast.Name)]
            if {"ImportError", "ModuleNotFoundError"} & set(namn):
                yield nod.lineno


def _filer(rot: pathlib.Path, paket: str):
    for fil in sorted((rot / paket).rglob("*.py")):
        if "migrations" not in fil.relative_to(rot).parts:
            yield fil


def brott(
    rot: pathlib.Path = ROT,
    karna: str = KARNA,
    appar: tuple[str, ...] = APPAR,
    bara_lasning: dict[str, set[str]] = BARA_LASNING,
) -> list[str]:
    """Varje brott mot reglerna som en rad "fil:rad: vad"."""
    alla = (karna, *appar)
    fel: list[str] = []
    kanter: dict[str, set[str]] = {a: set() for a in appar}
    for paket in alla:
        for fil in _filer(rot, paket):
            namn = fil.relative_to(rot)
            for rad in _reservvagar(fil):
                fel.append(f"{namn}:{rad}: reservväg för en saknad modul (except ImportError)")
            for rad, modul in _importer(fil):
                delar = modul.split(".")
                mal = delar[0]
                if mal not in alla or mal == paket:
                    continue
                if paket == karna:
                    fel.append(f"{namn}:{rad}: kärnan importerar appen {modul}")
                    continue
                if mal == karna:
                    continue
                kanter[paket].add(mal)
                tillatet = bara_lasning.get(paket, TILLATNA)
                if len(delar) < 2 or delar[1] not in tillatet or len(delar) > 2:
                    fel.append(
                        f"{namn}:{rad}: {paket} importerar {modul}; "
                        f"av en annan app bara {' eller '.join(sorted(tillatet))}"
                    )
    fel.extend(f"krets mellan apparna: {' → '.join(k)}" for k in _kretsar(kanter))
    return fel


def _kretsar(kanter: dict[str, set[str]]) -> list[list[str]]:
    hittade, sett = [], set()

    def besok(nod, vag):
        for nasta in sorted(kanter.get(nod, ())):
            if nasta in vag:
                krets = vag[vag.index(nasta) :] + [nasta]
                nyckel = frozenset(krets)
                if nyckel not in sett:
                    sett.add(nyckel)
                    hittade.append(krets)
            else:
                besok(nasta, vag + [nasta])

    for start in sorted(kanter):
        besok(start, [start])
    return hittade


def test_projektet_foljer_importreglerna():
    assert brott() == []


# --- testet av testet: varje regel fångar ett syntetiskt brott --------------------------------------


def _projekt(tmp_path, filer: dict[str, str]) -> pathlib.Path:
    for sokvag, kalla in {
        "karna/__init__.py": "",
        "a/__init__.py": "",
        "b/__init__.py": "",
        "rapp/__init__.py": "",
        **filer,
    }.items():
        fil = tmp_path / sokvag
        fil.parent.mkdir(parents=True, exist_ok=True)
        fil.write_text(textwrap.dedent(kalla), encoding="utf-8")
    return tmp_path


def _brott(tmp_path, filer):
    return brott(
        _projekt(tmp_path, filer), karna="karna", appar=("a", "b", "rapp"), bara_lasning={"rapp": {"queries"}}
    )


def test_ett_rent_syntetiskt_projekt_ger_inga_brott(tmp_path):
    assert (
        _brott(
            tmp_path,
            {
                "a/views.py": "from karna import access\nfrom b import queries\n",
                "b/services.py": "import karna.models\n",
                "rapp/queries.py": "from a.queries import x\nfrom b import queries as bq\n",
            },
        )
        == []
    )


@pytest.mark.parametrize(
    ("filer", "vantat"),
    [
        ({"karna/access.py": "def f():\n    from a.models import X\n"}, "kärnan importerar appen a.models"),
        ({"a/views.py": "from b.models import Y\n"}, "a importerar b.models"),
        ({"a/views.py": "from b import views\n"}, "a importerar b.views"),
        ({"a/forms.py": "import b\n"}, "a importerar b;"),
        ({"rapp/queries.py": "from a import services\n"}, "rapp importerar a.services"),
        (
            {"a/views.py": "from b import queries\n", "b/views.py": "from a import queries\n"},
            "krets mellan apparna: a → b → a",
        ),
        (
            {"a/views.py": "try:\n    from b import queries\nexcept ImportError:\n    queries = None\n"},
            "reservväg för en saknad modul",
        ),
    ],
)
def test_ett_syntetiskt_brott_hittas(tmp_path, filer, vantat):
    fel = _brott(tmp_path, filer)
    assert any(vantat in f for f in fel), fel


def test_migreringar_raknas_inte(tmp_path):
    assert _brott(tmp_path, {"a/migrations/0001_x.py": "from b.models import Y\n"}) == []


# --- kopplingarna och appsökningen som ersätter importerna ------------------------------------------


def test_kopplingen_at_fel_hall_ar_registrerad_av_agaren():
    from kvalitet import kopplingar
    from uppfoljning import queries

    assert kopplingar._KOPPLINGAR["riskanalys.forandringar"] == (
        "uppfoljning",
        queries.forandringar_for_riskanalys,
    )


def test_en_okand_eller_oregistrerad_koppling_ar_ett_fel_inte_ett_tomt_svar(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from kvalitet import kopplingar

    with pytest.raises(ImproperlyConfigured):
        kopplingar.registrera("riskanalys.forandringar_felstavat", lambda *a: [], av="test")
    monkeypatch.setattr(kopplingar, "_KOPPLINGAR", {})
    with pytest.raises(ImproperlyConfigured, match="Ingen app har registrerat"):
        kopplingar.fraga("riskanalys.forandringar", None, None)


def test_karnan_hittar_apparnas_undermoduler_i_beroendeordning():
    from kvalitet import appar

    assert [m.__name__ for m in appar.undermoduler("demo")] == [
        "riskanalys.demo",
        "avvikelser.demo",
        "lexsarah.demo",
        "uppfoljning.demo",
        "rapporter.demo",
    ]
    assert {m.__name__ for m in appar.undermoduler("queries")} == {f"{a}.queries" for a in APPAR}
