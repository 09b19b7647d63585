"""Inställningar för kvalitet.

Allt läses från miljövariabler (django-environ). Utan variabler startar en demo med SQLite och
Celery-uppgifter som körs i processen. Med KVALITET_MILJO=production vägrar appen starta utan en riktig
SECRET_KEY och ALLOWED_HOSTS. Alla variabler finns beskrivna i README.md och .env.example.
"""

import datetime
import urllib.parse
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

MILJO = env.str("KVALITET_MILJO", default="demo")
if MILJO not in ("demo", "test", "production"):
    raise ImproperlyConfigured("KVALITET_MILJO måste vara demo, test eller production.")
PRODUKTION = MILJO == "production"

DEMO_SECRET_KEY = "demo-endast-inte-for-produktion-kvalitet-0000000000000000000000"  # noqa: S105 (bara demo; produktion vägrar den)
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUKTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUKTION else ["127.0.0.1", "localhost", "testserver"]
)

if PRODUKTION:
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("Produktion kräver en riktig SECRET_KEY (minst 50 slumpade tecken).")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("Produktion kräver ALLOWED_HOSTS med verkliga värdnamn.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG får inte vara på i produktion.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "health_check",
    "django_prometheus",
    "csp",
    "kvalitet",
    "riskanalys",
    "avvikelser",
    "lexsarah",
    "uppfoljning",
    "rapporter",
]

MIDDLEWARE = [
    # Mätningen omsluter allt, och begärans id sätts före allt som kan logga.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "kvalitet.logg.BegaranIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Svenska felsidor också med DEBUG på (kvalitet/views_fel.py); efter inloggningen, så att menyn syns.
    "kvalitet.views_fel.SvenskaFelsidorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kvalitet.middleware.InloggningKravsMiddleware",
    "kvalitet.tvafaktor.TvaFaktorMiddleware",
    # Axes sist: den läser inloggningsförsöken när allt annat är klart.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "kvalitet.urls"
WSGI_APPLICATION = "kvalitet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kvalitet.context_processors.navigering",
            ],
        },
    },
]

# Databas: PostgreSQL i produktion och CI; SQLite endast för demon.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60 if PRODUKTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # En nedkopplad databas ska ge ett snabbt, rent fel, inte en hängande begäran.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if PRODUKTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Produktion kräver PostgreSQL (DATABASE_URL=postgres://...).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Inloggning med kommunens konto (OpenID Connect), om konfigurerat.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_AKTIV = bool(OIDC_RP_CLIENT_ID)
if OIDC_AKTIV:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("kvalitet.oidc.KvalitetOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT")
    # Id-token måste vara utfärdat av just den här utfärdaren (Entra ID: https://login.microsoftonline.com/
    # <tenant-id>/v2.0); samma nycklar signerar för alla organisationer, så signaturen räcker inte.
    OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = "openid email profile"
OIDC_GRUPPER_ROLLER = env.json("OIDC_GRUPPER_ROLLER", default={})
# Användare matchas på utfärdare + sub. Första inloggningen kan koppla ett befintligt konto via e-post, men
# bara om IdP:n intygar adressen (email_verified) och aldrig ett admin- eller superanvändarkonto.
OIDC_KOPPLA_VIA_EPOST = env.bool("OIDC_KOPPLA_VIA_EPOST", default=True)
# Nya användare skapas inte automatiskt om det inte slås på.
OIDC_SKAPA_ANVANDARE = env.bool("OIDC_SKAPA_ANVANDARE", default=False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "kvalitet:start"
LOGOUT_REDIRECT_URL = "login"

# Tvåfaktor (TOTP) krävs för dessa roller och för superanvändare; av i demon så att demoinloggningarna
# fungerar direkt, på i produktion. Den som själv slagit på tvåfaktor måste alltid använda den.
TVAFAKTOR_KRAVS = env.bool("TVAFAKTOR_KRAVS", default=PRODUKTION)
TVAFAKTOR_ROLLER = ["kvalitetssamordnare", "admin"]
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Kvalitet")
# Admin ser aldrig en användares TOTP-nyckel eller reservkoder.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Registreringskoden (som admin ger ut) gäller så länge; reservkoderna är så många.
TVAFAKTOR_REGISTRERINGSKOD_TIMMAR = env.int("TVAFAKTOR_REGISTRERINGSKOD_TIMMAR", default=72)
TVAFAKTOR_RESERVKODER = 10

# Sessioner i databasen; de löper ut efter inaktivitet (förnyas vid varje begäran).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_INAKTIVITET_SEKUNDER", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: låsning per kombination av användarnamn och klientadress, så att en angripare inte kan
# låsa ute alla användare och inte heller gömma sig bakom olika adresser för ett konto.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIMMAR", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/last.html"
# Bakom en omvänd proxy: ange antalet betrodda proxyer så tas klientens adress ur X-Forwarded-For
# räknat från höger; annars används REMOTE_ADDR och huvudet ignoreras (det kan förfalskas).
BETRODDA_PROXYER = env.int("BETRODDA_PROXYER", default=0)
AXES_CLIENT_IP_CALLABLE = "kvalitet.natverk.klientadress"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Bilagor och genererade rapporter ligger utanför static och visas bara via behörighetskontrollerade vyer.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Bilagor (foton, dokument) med personuppgifter: utanför MEDIA_ROOT och static, serveras bara via vyer som
# kontrollerar behörighet. Katalogen ska ingå i säkerhetskopieringen.
PRIVAT_MEDIA_ROOT = env.path("PRIVAT_MEDIA_ROOT", default=BASE_DIR / "privat")
BILAGA_MAX_MB = env.int("BILAGA_MAX_MB", default=10)
# WhiteNoise serverar static/: i produktion efter collectstatic, annars direkt ur källkatalogerna.
WHITENOISE_USE_FINDERS = not PRODUKTION
WHITENOISE_AUTOREFRESH = not PRODUKTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUKTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-post: konsolen i demon, SMTP i produktion via EMAIL_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kvalitet@kommun.example")

# Redis och Celery. Utan REDIS_URL körs uppgifter direkt i processen (demo).
REDIS_URL = env.str("REDIS_URL", default="")
# Parallella tester (pytest-xdist): arbetare gwN får Redis-databas bas + 2N, som tests/conftest.py:redis_db,
# på samma sätt som pytest-django ger varje arbetare en egen PostgreSQL-databas.
_TESTARBETARE = env.str("PYTEST_XDIST_WORKER", default="")
if MILJO == "test" and REDIS_URL and _TESTARBETARE.startswith("gw"):
    _bas, _, _nr = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_bas}/{int(_nr or 0) + 2 * int(_TESTARBETARE[2:])}"
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# En webbegäran får aldrig vänta på Redis: korta tidsgränser, och ingen återförsöksslinga vid publicering.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY = False
# PDF:er på en egen kö med en egen worker (celery -A kvalitet worker -Q pdf), så att en stor, långsam
# rapport aldrig försenar påminnelserna på standardkön.
# En worker utan -Q tar båda köerna (demo, enkel drift); i produktion en worker per kö med -Q.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("pdf"))
CELERY_TASK_ROUTES = {
    "rapporter.tasks.bygg_pdf": {"queue": "pdf"},
    "riskanalys.tasks.bygg_pdf": {"queue": "pdf"},
}
CELERY_KOER = ("celery", "pdf")
# Workern loggar genom LOGGING nedan (JSON-rader med begärans id), inte genom Celerys egen formattering.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Hur ofta bevakningssvepet körs (sekunder).
BEVAKNING_SVEP_SEKUNDER = env.int("BEVAKNING_SVEP_SEKUNDER", default=60)
# DatabaseScheduler (django-celery-beat) lägger in schemat i databasen när beat startar.
CELERY_BEAT_SCHEDULE = {
    "bevakningssvep": {"task": "kvalitet.tasks.bevakningssvep", "schedule": float(BEVAKNING_SVEP_SEKUNDER)},
    # Åtgärdsregistrets påminnelser: en fråga per källa och användare med roll, så en gång i timmen räcker
    # (försenat räknas i dagar); före dagens sammandrag (KVALITET_SAMMANDRAG_TIMME) hinner det flera gånger.
    "atgardssvep": {"task": "kvalitet.tasks.atgardssvep", "schedule": crontab(minute=5)},
    "pdf_svep": {"task": "rapporter.tasks.pdf_svep", "schedule": float(BEVAKNING_SVEP_SEKUNDER)},
    "riskanalys_pdf_svep": {"task": "riskanalys.tasks.pdf_svep", "schedule": float(BEVAKNING_SVEP_SEKUNDER)},
    # Städning en gång per natt: utgångna sessioner och gamla rader för det öppna formulärets gräns.
    "rensa_sessioner": {"task": "kvalitet.tasks.rensa_sessioner", "schedule": crontab(hour=3, minute=10)},
    "rensa_oppna_inlamningar": {
        "task": "avvikelser.tasks.rensa_oppna_inlamningar",
        "schedule": crontab(hour=3, minute=20),
    },
}
# Det `manage.py bevakningssvep` (och `make sweep`) kör, för drift utan beat: samma svep som beat kör.
# Påminnelser e-postas som ett sammandrag om dagen per person, från den här timmen (lokal tid); den som valt
# e-post direkt (Notiser) får varje påminnelse för sig. I testläge från midnatt, så att testerna inte beror på
# klockslaget.
KVALITET_SAMMANDRAG_TIMME = env.int("KVALITET_SAMMANDRAG_TIMME", default=0 if MILJO == "test" else 7)

KVALITET_SVEP = [
    "kvalitet.tasks.bevakningssvep",
    "kvalitet.tasks.atgardssvep",
    "uppfoljning.tasks.uppfoljning_svep",
    "rapporter.tasks.pdf_svep",
    "riskanalys.tasks.pdf_svep",
]

# Säkerhetskopia varje natt (pg_dump -Fc plus MEDIA_ROOT och PRIVAT_MEDIA_ROOT som tar.gz), sparas i
# BACKUP_DAGAR dagar. Katalogen bör ligga på en annan disk och kopieras bort från servern.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backup")
BACKUP_DAGAR = env.int("BACKUP_DAGAR", default=14)
if env.bool("BACKUP_AKTIV", default=PRODUKTION):
    CELERY_BEAT_SCHEDULE["sakerhetskopia"] = {
        "task": "kvalitet.tasks.sakerhetskopia",
        "schedule": crontab(hour=env.int("BACKUP_TIMME", default=2), minute=0),
    }

# Cachen i Redis, så att flera webbprocesser (och workern) ser samma värden; lokalt minne i demon.
# Egen Redis-databas (REDIS_URL:s + 1, om inte CACHE_URL sätts): Djangos cache.clear() är FLUSHDB och
# skulle annars tömma kön. Med pytest-xdist har arbetare N brokern bas + 2N och cachen bas + 2N + 1.


def _databasnummer(url: str) -> int:
    delar = urllib.parse.urlsplit(url)
    fraga = dict(urllib.parse.parse_qsl(delar.query))
    nummer = fraga.get("db") if delar.scheme == "unix" or "db" in fraga else delar.path.strip("/")
    if not (nummer or "0").isdigit():
        raise ImproperlyConfigured(f"REDIS_URL: databasen ska vara ett nummer, inte {nummer!r}.")
    return int(nummer or 0)


def redis_databas(url: str, steg: int) -> str:
    """Samma Redis-adress med databasnumret `steg` högre (redis://värd/N, utan /N är det 0; unix: ?db=N)."""
    delar = urllib.parse.urlsplit(url)
    fraga = dict(urllib.parse.parse_qsl(delar.query))
    nytt = _databasnummer(url) + steg
    if delar.scheme == "unix" or "db" in fraga:
        fraga["db"] = str(nytt)
        # urlunsplit tappar // framför en tom värd (unix:///sökväg).
        return f"{delar.scheme}://{delar.netloc}{delar.path}?{urllib.parse.urlencode(fraga)}"
    return urllib.parse.urlunsplit(delar._replace(path=f"/{nytt}"))


CACHE_URL = env.str("CACHE_URL", default="")
if not CACHE_URL and REDIS_URL:
    CACHE_URL = redis_databas(REDIS_URL, 1)
    # Redis har 16 databaser (0-15) om inget annat konfigurerats: db 16 ger fel först vid första anropet.
    if _databasnummer(CACHE_URL) > 15:
        raise ImproperlyConfigured(
            "REDIS_URL använder Redis sista databas (15) och cachen behöver nästa: välj en lägre databas i "
            "REDIS_URL eller sätt CACHE_URL."
        )
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kvalitet",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HEALTH_CHECK = {"WARNINGS_AS_ERRORS": False, "DISABLE_THREADING": True}
# /health/ är öppen: Celery-pingen (upp till en sekund) görs högst så här ofta per process.
HALSA_CELERY_CACHE_SEKUNDER = env.int("HALSA_CELERY_CACHE_SEKUNDER", default=30)

# Kommunens namn och logotyp (visas i sidhuvud och rapporter).
KOMMUN_NAMN = env.str("KOMMUN_NAMN", default="Sjöstads kommun")
# Vårdgivarens organisationsnummer på IVO-blanketten för lex Sarah (lexsarah/ivo.py); tomt: fylls i e-tjänsten.
KOMMUN_ORGANISATIONSNUMMER = env.str("KOMMUN_ORGANISATIONSNUMMER", default="")

# Content-Security-Policy: inga inline-skript, inga externa källor (inget CDN).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Säkerhetshuvuden. I produktion: endast HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "kvalitet.views_fel.csrf_fel"
# Med DEBUG: Djangos tekniska (engelska) felsidor i stället för de svenska, för den som felsöker lokalt.
TEKNISKA_FELSIDOR = DEBUG and env.bool("TEKNISKA_FELSIDOR", default=False)
if PRODUKTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])

# Loggar: en JSON-rad per händelse (tid, nivå, logger, meddelande, begärans id, användarens id; aldrig
# personuppgifter), också från Celery. LOG_JSON=false ger läsbar text (standard i demon).
LOG_JSON = env.bool("LOG_JSON", default=PRODUKTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"kontext": {"()": "kvalitet.logg.KontextFilter"}},
    "formatters": {
        "json": {"()": "kvalitet.logg.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["kontext"],
            "formatter": "json" if LOG_JSON else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Felrapportering till Sentry eller GlitchTip (egen server går bra) när SENTRY_DSN är satt; av annars.
# Personuppgifter rensas bort innan något skickas (kvalitet/felrapport.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from kvalitet.felrapport import starta as _starta_felrapport  # noqa: E402

    _starta_felrapport(SENTRY_DSN, miljo=MILJO)

# Prometheus-mätvärden på /metrics, bara med "Authorization: Bearer <METRICS_TOKEN>"; utan token finns
# sidan inte (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Adressen som länkar i e-post börjar med.
KVALITET_BAS_URL = env.str("KVALITET_BAS_URL", default="http://127.0.0.1:8000")

# --- api ---
# REST-API:t (DRF) med OpenAPI-schema. Tokens (django-rest-knox) lagras bara som hash: nyckeln visas en gång
# när den skapas, löper ut och återkallas i admin.
INSTALLED_APPS += ["rest_framework", "knox", "drf_spectacular", "drf_spectacular_sidecar"]
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_GILTIG_DAGAR", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
    # Ett känt prefix gör att en läckt nyckel känns igen av hemlighetsskannrar.
    "TOKEN_PREFIX": "kv_",
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token först: utan giltiga uppgifter blir svaret 401 (med WWW-Authenticate), inte 403.
        "kvalitet.api.autentisering.TokenAutentisering",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "kvalitet.api.installningar.Sidindelning",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kvalitet.api.installningar.felhanterare",
    "DEFAULT_PARSER_CLASSES": [
        "kvalitet.api.tolk.JsonTolk",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kvalitet API",
    "DESCRIPTION": "Ledningssystemets REST-API (SOSFS 2011:9). Samma åtkomstregler som i webbgränssnittet.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI från static/ (ingen CDN, ingen inline-JS: strikt CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Samma fältnamn (status, typ) används för olika val i olika appar: egna, stabila namn i schemat.
    "ENUM_NAME_OVERRIDES": {
        "LexSarahStatusEnum": "lexsarah.models.Status",
        "ForandringTypEnum": "uppfoljning.models.ForandringTyp",
        "RostsvarEnum": "uppfoljning.models.Rostsvar",
    },
}

# --- kvalitetsarbete (mål, egenkontroll, förbättringsplan) ---
# Kommunens kod i Kolada (nationella jämförelser; "0000" är riket).
KOLADA_KOMMUNKOD = env.str("KOLADA_KOMMUNKOD", default="1499")

# --- avvikelser ---
# Dagar innan en ej påbörjad avvikelse påminner enhetschefen (dubbla tiden: verksamhetschefen).
AVVIKELSER_PAMINNELSE_DAGAR = env.int("AVVIKELSER_PAMINNELSE_DAGAR", default=14)
# Högst så många inlämningar per timme och klientadress i det öppna klagomålsformuläret.
AVVIKELSER_OPPET_MAX_PER_TIMME = env.int("AVVIKELSER_OPPET_MAX_PER_TIMME", default=5)
# Får personal välja att dölja sitt namn för enheten i en avvikelse? (Lex Sarah är aldrig anonym.)
AVVIKELSER_ANONYM_TILLATEN = env.bool("AVVIKELSER_ANONYM_TILLATEN", default=True)

# --- lexsarah ---
# Intern målsättning från rapport till bedömning (kalenderdagar; REGULATION.md: ingen frist i föreskriften,
# många kommuner har två veckor). En frist som slutar på en helgdag flyttas till nästa vardag.
LEXSARAH_BEDOMNING_DAGAR = env.int("LEXSARAH_BEDOMNING_DAGAR", default=14)
# Påminnelse så många dagar innan bedömningen ska vara klar.
LEXSARAH_VARNA_DAGAR_FORE = 3
# "Snarast" till IVO efter att ärendet bedömts som allvarligt: intern målsättning i vardagar.
LEXSARAH_IVO_VARDAGAR = 2
# Lagrummen visas som text från inställningarna (numreringen ändrades med socialtjänstlagen 2025:400).
LEXSARAH_LAGRUM = "14 kap. 2–7 §§ SoL (2001:453), 24 b–g §§ LSS och SOSFS 2011:5"

# --- riskanalys ---

# --- uppfoljning ---
# Dagar efter att ett uppföljningsärende skapats innan handläggaren påminns om att kontakt saknas.
UPPFOLJNING_KONTAKT_DAGAR = env.int("UPPFOLJNING_KONTAKT_DAGAR", default=14)
# Dagar efter planerad uppföljning innan en försenad uppföljning eskaleras till kvalitetssamordnaren.
UPPFOLJNING_ESKALERA_DAGAR = env.int("UPPFOLJNING_ESKALERA_DAGAR", default=14)
# Ej verkställda beslut: rapportgräns i månader och varning så många månader innan (REGULATION.md).
UPPFOLJNING_EJ_VERKSTALLT_MANADER = 3
UPPFOLJNING_VARNA_MANADER_FORE = 1
# Lagrummen visas som text (numreringen ändrades med socialtjänstlagen 2025:400).
UPPFOLJNING_LAGRUM = "16 kap. 6 f–h §§ SoL (2001:453) och 28 f–h §§ LSS"
# IVO:s rapporteringsfönster (kvartal: (månad, dag) öppnar, (månad, dag) stänger, år efter kvartalet?).
# Standard när inget finns i tabellen Rapporteringsperiod; verifiera mot IVO:s aktuella kalender.
UPPFOLJNING_RAPPORTFONSTER = {
    1: ((4, 1), (4, 30), 0),
    2: ((7, 1), (8, 31), 0),
    3: ((10, 1), (10, 31), 0),
    4: ((1, 1), (1, 31), 1),
}
# Svepet som härleder påminnelser och ej verkställda beslut ur data (en gång i timmen räcker).
CELERY_BEAT_SCHEDULE["uppfoljning_svep"] = {
    "task": "uppfoljning.tasks.uppfoljning_svep",
    "schedule": float(env.int("UPPFOLJNING_SVEP_SEKUNDER", default=3600)),
}

# --- rapporter ---
# Längsta tid (sekunder) en PDF får ta att rendera innan uppgiften ger upp (Celerys mjuka gräns och
# sandlådans egen); efter den hårda gränsen dödas PDF-workerns barnprocess.
RAPPORTER_PDF_TIDSGRANS = env.int("RAPPORTER_PDF_TIDSGRANS", default=120)
RAPPORTER_PDF_TIDSGRANS_HARD = env.int("RAPPORTER_PDF_TIDSGRANS_HARD", default=RAPPORTER_PDF_TIDSGRANS + 30)
# En beställning som ingen worker tagit på så många minuter köas om, högst så många gånger; sedan fel.
RAPPORTER_PDF_KO_MINUTER = env.int("RAPPORTER_PDF_KO_MINUTER", default=15)
RAPPORTER_PDF_MAX_OMKONINGAR = env.int("RAPPORTER_PDF_MAX_OMKONINGAR", default=3)
