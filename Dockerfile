# Produktionsavbilden för kvalitet. Byggs av `docker compose build` och av containertestet
# (.ci/container-test, som byter basavbild med --build-arg BASE_IMAGE=localhost/debian-py:bookworm).
# Basen behöver Python 3.11 med venv: den officiella avbilden eller Debian bookworm.
ARG BASE_IMAGE=python:3.11-slim-bookworm
FROM ${BASE_IMAGE}

# WeasyPrint behöver Pango; fonter för PDF. pg_dump/pg_restore för nattens säkerhetskopia, samma
# huvudversion som databasen (postgres:15 i docker-compose.yml; pg_dump vägrar en nyare server).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# Beroendena i en egen virtuell miljö (Debians Python vägrar installationer i systemet), exakt
# versionerna och hasharna i requirements.lock (`make lock`).
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/venv
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
# Statiska filer byggs här, en gång, med produktionens lagring (hashade namn, komprimerade). Nyckeln och
# adresserna gäller bara det här steget (produktionsinställningarna vägrar starta utan dem) och sparas inte.
RUN KVALITET_MILJO=production ALLOWED_HOSTS=bygge.invalid DATABASE_URL=postgres://bygge@127.0.0.1/bygge \
      SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
      python manage.py collectstatic --noinput -v 0

# Appen kör som en egen användare utan skrivrätt till koden; den skriver bara i datakatalogerna och
# säkerhetskopiornas katalog (namngivna volymer i docker-compose.yml, som får katalogens ägare när de skapas).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin kvalitet \
    && mkdir -p /app/media /app/privat /backup \
    && chown kvalitet:kvalitet /app/media /app/privat /backup \
    && chmod 0750 /app/media /app/privat /backup

# Produktion är standard: demoläget (DEBUG, demonyckel, ingen tvåfaktor) måste begäras uttryckligen.
ENV KVALITET_MILJO=production \
    DJANGO_SETTINGS_MODULE=kvalitet.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PRIVAT_MEDIA_ROOT=/app/privat \
    BACKUP_DIR=/backup
USER kvalitet
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "kvalitet.wsgi:application"]
