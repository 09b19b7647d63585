"""Produktens inställningar (samma miljö, samma databas), men med golvets enda vy och bara de
mellanlager som HTTPS-kravet behöver. `DJANGO_SETTINGS_MODULE=bench.golv_settings` för gunicorn."""

from kvalitet.settings import *  # noqa: F403

ROOT_URLCONF = "bench.golv"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
