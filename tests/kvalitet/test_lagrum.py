import datetime

from kvalitet.models import Lagrum


def test_reference_valid_on_record_date_is_shown(db):
    Lagrum.objects.create(
        nyckel="lex_sarah_rapportering",
        lag="SoL (2025:400)",
        kapitel="X",
        paragraf="1 §",
        beskrivning="Ny lag",
        giltig_fran=datetime.date(2025, 7, 1),
    )
    gammal = Lagrum.giltigt("lex_sarah_rapportering", datetime.date(2024, 5, 1))
    ny = Lagrum.giltigt("lex_sarah_rapportering", datetime.date(2025, 7, 1))
    assert gammal.lag == "SoL (2001:453)" and str(gammal) == "14 kap. 2 § SoL (2001:453)"
    assert ny.lag == "SoL (2025:400)"
    assert Lagrum.giltigt("lex_sarah_rapportering", datetime.date(2000, 1, 1)) is None


def test_lss_reference_has_no_end(db):
    assert Lagrum.giltigt("lex_sarah_anmalan_lss", datetime.date(2030, 1, 1)).paragraf == "24 f §"
