import pytest


@pytest.fixture(autouse=True)
def _media_i_tmp(settings, tmp_path, monkeypatch):
    # Genererade PDF:er skrivs aldrig i projektkatalogen under testerna (inte heller av en riktig worker).
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))


@pytest.fixture(autouse=True)
def _celery_i_processen(settings):
    # Uppgifterna körs direkt i testprocessen (utom i tester med den riktiga workern).
    settings.CELERY_TASK_ALWAYS_EAGER = True
