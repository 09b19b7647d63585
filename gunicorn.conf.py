"""gunicorn i avbilden (`gunicorn -c gunicorn.conf.py kvalitet.wsgi:application`).

En begäran väntar mest på PostgreSQL (och ibland på Redis), inte på processorn. gthread låter varje
process ha flera trådar som väntar samtidigt, så färre processer (mindre minne per container) klarar
lika många samtidiga användare. Räkna med processer ≈ kärnor och trådar 4–8; skala med fler
web-repliker hellre än fler processer i en container.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Standard gthread 2 × 4; GUNICORN_WORKER_CLASS/WORKERS/THREADS finns för jämförelsen i bench/last.py.
# (sync med fler än en tråd blir gthread i gunicorn, så sync jämförs med GUNICORN_THREADS=1.)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Rapporter byggs i Celery, inte i begäran: en minut räcker för den långsammaste sidan (export).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Hjärtslagsfilen i minnet: ett långsamt överlagrat filsystem får inte se ut som en hängd worker.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn skapar filen med mkstemp)

# Åtkomstlogg till stdout. Sökvägen utan frågesträng (%(U)s): sökningar har namn och personnummer i
# ?q=, och de ska inte hamna i loggen. %(h)s är närmaste avsändare: bakom en proxy är det proxyn.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
