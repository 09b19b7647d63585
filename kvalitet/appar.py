"""Apparna som kärnan hittar utan att importera dem: de i INSTALLED_APPS som ligger i projektet.

Kärnan importerar ingen app (docs/ARCHITECTURE.md). Där den ändå samlar något från varje app (API-resurser,
demodata, "Mina uppgifter") tar den den undermodul apparna har, i INSTALLED_APPS ordning (som är
beroendeordningen), som Djangos admin.autodiscover. En app utan undermodulen deltar inte; ett fel inne i
en app som har den syns (inget `except ImportError`).
"""

import functools
import importlib
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

KARNA = "kvalitet"


def projektappar() -> list[AppConfig]:
    rot = Path(settings.BASE_DIR).resolve()
    return [
        cfg for cfg in apps.get_app_configs() if cfg.name != KARNA and Path(cfg.path).resolve().parent == rot
    ]


def undermoduler(namn: str) -> list[ModuleType]:
    """`<app>.<namn>` för varje projektapp som har den."""
    return list(_undermoduler(namn))


# Apparna ändras inte efter start, och startsidan frågar flera gånger per begäran (sökvägarna på disk kostade
# mer än sidans minsta frågor).
@functools.cache
def _undermoduler(namn: str) -> tuple[ModuleType, ...]:
    return tuple(
        importlib.import_module(f"{cfg.name}.{namn}")
        for cfg in projektappar()
        if module_has_submodule(cfg.module, namn)
    )
