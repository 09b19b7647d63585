FROM python:3.11-slim-bookworm
# WeasyPrint behöver Pango; fonter för PDF.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --system kvalitet && mkdir -p /app/media /app/staticfiles && chown -R kvalitet /app/media /app/staticfiles
ENV DJANGO_SETTINGS_MODULE=kvalitet.settings PYTHONUNBUFFERED=1
USER kvalitet
EXPOSE 8000
CMD ["gunicorn", "kvalitet.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
