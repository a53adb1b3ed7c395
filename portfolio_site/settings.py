"""Settings for the portfolio system: one module, read from the environment.

Every variable is listed in README.md. With nothing set, the embedded default
runs: SQLite, a private local folder for files, and Celery over kombu's
filesystem transport in a local folder.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from csp.constants import NONCE, NONE, SELF

# Django's generic classes (ModelAdmin[Unit], QuerySet[Enrolment]) take their type argument at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

VERSION = "0.1.0"

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the site's page saying what to do next (templates/403_csrf.html), not Django's bare one.
CSRF_FAILURE_VIEW = "portfolio_site.views.csrf_failure"

INSTALLED_APPS = [
    "portfolio_site.apps.PortfolioAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "units",
    # After units: its `loaddata` (spec files through the one loader) must win over modeltranslation's.
    "modeltranslation",
    "candidates",
    "signin",
    "inbox",
    "evidence",
    "assessments",
    "apprenticeships",
    "exports",
    "privacy",
    "portfolio_site.apps.PortfolioSiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the switcher's cookie) at first ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ... then the signed-in person's saved choice.
    "candidates.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: a person who owes a second step (a TOTP code, or a platform admin's enrolment)
    # reaches only that page until it is done (signin/middleware.py).
    "signin.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portfolio_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Tags every page may use without loading them: spec text marked with its language where it is not
            # the reader's; candidates' writing marked with the language it was written in.
            # And `{% url %}` reversing each address pattern once (portfolio_site/templatetags/quick_url.py).
            "builtins": [
                "units.templatetags.spec_text",
                "candidates.templatetags.written",
                "portfolio_site.templatetags.quick_url",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portfolio_site.context_processors.site",
                "inbox.context_processors.inbox",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "portfolio_site.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # The test database is a file, not memory: the export tests' real Celery worker (a subprocess) must see it.
    # One per test process, so that two test runs never share (and destroy) one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "candidates.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out email address + IP before any password is checked.
    "candidates.backends.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Repeated failed sign-ins (django-axes): 5 failures lock that email address from that IP for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "candidates.backends.throttle_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "candidates.throttle.lockout_response"
# Behind N reverse proxies, the client's address is the N-th from the right of X-Forwarded-For;
# 0 (the default) uses REMOTE_ADDR, as a proxy could otherwise be fooled by a forged header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "candidates.backends.client_ip"
# Ceilings of our own (candidates/throttle.py), counted in the cache: failed sign-ins from one IP across every
# email address, per 15 minutes (a shared network's many people fit under it; one machine trying address
# after address does not); password reset requests per email address and per IP, per hour.
SIGN_IN_FAILURES_PER_IP = env.int("SIGN_IN_FAILURES_PER_IP", default=30)
PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=3)
PASSWORD_RESETS_PER_IP = env.int("PASSWORD_RESETS_PER_IP", default=20)

# Argon2id with OWASP's parameters first (portfolio_site/hashers.py says why); the hashers after it check older
# hashes, and Django re-hashes a password with the first at its owner's next sign-in.
PASSWORD_HASHERS = [
    "portfolio_site.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Two-step sign-in (signin/): a TOTP code after the password for whoever enrolled a device; platform admins
# (superusers) must enrol one, before any other page, whenever REQUIRE_ADMIN_TOTP is on (by default when DEBUG is off).
REQUIRE_ADMIN_TOTP = env.bool("REQUIRE_ADMIN_TOTP", default=not DEBUG)
# Wrong codes one person may enter in 15 minutes before the code page refuses them until the window ends
# (besides django-otp's own growing delay after each wrong code).
TWO_STEP_FAILURES_PER_USER = env.int("TWO_STEP_FAILURES_PER_USER", default=5)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portfolio")
# The admin never shows a device's secret key or its QR code again.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sign-in with a centre's own accounts (OpenID Connect, signin/oidc.py): the identity provider's addresses must be
# https, except in tests, which run a provider of their own on the loopback address.
OIDC_ALLOW_HTTP_ISSUER = env.bool("OIDC_ALLOW_HTTP_ISSUER", default=False)
OIDC_TIMEOUT_SECONDS = env.int("OIDC_TIMEOUT_SECONDS", default=10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
#: The interface's languages, each named in itself for the switcher (candidates.languages reads them).
LANGUAGES = [
    ("en-gb", "English"),
    ("cy", "Cymraeg"),
    ("pl", "Polski"),
    ("tr", "Türkçe"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Dates and times in each language's way, with the long and weekday dates the pages name (portfolio_site/formats).
FORMAT_MODULE_PATH = ["portfolio_site.formats"]
# Spec content (units/translation.py) carries a column a language: `title_en_gb`, `title_cy`, `title_pl`,
# `title_tr`. A spec's own language is English; a reader sees their language's wording, else the English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Hashed, compressed static files need `collectstatic`: on in production, off in development and tests.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)

# Files are private: the local folder is outside STATIC_ROOT and has no URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "private")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        # S3Storage storing each object with its type and disposition (evidence/storage.py).
        "BACKEND": "evidence.storage.EvidenceS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
# One part in memory at a time: an upload to S3 then costs a few MB of RAM, whatever the file's size.
# (Built by evidence/storage.py from these figures, so that a command that never touches S3 does not import boto3.)
AWS_S3_TRANSFER = {"multipart_chunksize": 8 * 1024 * 1024, "max_concurrency": 1, "use_threads": False}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence uploads (evidence/uploads.py). Sizes in bytes. Every file goes through
# SizeLimitUploadHandler, which drops a file as soon as it passes the limit; files
# bigger than FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file, never to RAM.
EVIDENCE_MAX_FILE_SIZE = env.int("EVIDENCE_MAX_FILE_SIZE", default=500_000_000)
EVIDENCE_QUOTA_PER_CANDIDATE = env.int("EVIDENCE_QUOTA_PER_CANDIDATE", default=5_000_000_000)
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=80_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# Resumable uploads (evidence/resumable.py, the tus protocol): an unfinished upload is deleted this long after
# its last chunk; one chunk (a request body, kept on disk while it is stored) carries at most this many bytes.
EVIDENCE_RESUMABLE_EXPIRY_HOURS = env.int("EVIDENCE_RESUMABLE_EXPIRY_HOURS", default=24)
EVIDENCE_RESUMABLE_MAX_CHUNK = env.int("EVIDENCE_RESUMABLE_MAX_CHUNK", default=64 * 1024 * 1024)
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
FILE_UPLOAD_HANDLERS = [
    "evidence.upload_handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Where evidence previews come from on S3 (the presigned URLs' origins): pages may show
# them in <img>, <audio>/<video> and a PDF frame. Derived from the bucket unless set.
EVIDENCE_FILE_ORIGINS = env.list("EVIDENCE_FILE_ORIGINS", default=[])
if AWS_STORAGE_BUCKET_NAME and not EVIDENCE_FILE_ORIGINS:
    _endpoint = urlsplit(_default_storage["OPTIONS"]["endpoint_url"] or "")
    _region = _default_storage["OPTIONS"]["region_name"]
    if _endpoint.netloc:  # path style (host/bucket/key) or virtual-host style (bucket.host/key)
        _hosts = [_endpoint.netloc, f"{AWS_STORAGE_BUCKET_NAME}.{_endpoint.netloc}"]
        EVIDENCE_FILE_ORIGINS = [f"{_endpoint.scheme}://{host}" for host in _hosts]
    else:
        _hosts = ["s3.amazonaws.com"] + ([f"s3.{_region}.amazonaws.com"] if _region else [])
        EVIDENCE_FILE_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.{host}" for host in _hosts]

# Content-Security-Policy (django-csp 4): our own scripts and styles only; an inline
# <script> needs nonce="{{ CSP_NONCE }}". Evidence files get a stricter policy of
# their own from evidence/serving.py, which the middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *EVIDENCE_FILE_ORIGINS],
        # blob: plays back a recording made in the page (static/js/capture.js) before it is uploaded.
        "media-src": [SELF, "blob:", *EVIDENCE_FILE_ORIGINS],
        "frame-src": [SELF, *EVIDENCE_FILE_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Email: the console by default, SMTP (or any backend) by EMAIL_URL.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portfolio@localhost")
# The site's address (scheme and host): every link in an email is built on it (portfolio_site/links.py),
# whether a request or a periodic task sends it. The default is what `make run` serves; production sets
# its own (`check --deploy` warns when it is left local).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The cache holds the request ceilings' counts (candidates/throttle.py), so every web process must share
# it: Redis when REDIS_URL is set (production), else memory of the one process `make run` starts.
# CACHE_URL overrides both (the tests use memory, so that parallel runs never share counts).
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {"default": env.cache_url("CACHE_URL", default=REDIS_URL or "locmemcache://")}
# Sessions are kept in the database and, where the cache is shared by every web process (Redis), read from the cache:
# a request then costs no query for its session. A cache in one process's memory would keep a signed-out session
# alive in the other processes, so there the database alone is read.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith("LocMemCache")
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends."
                                                   + ("cached_db" if _SHARED_CACHE else "db"))

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport in a
# local folder, so `make run` needs no server and a long task never blocks a request.
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # audit: seal the audit chains' heads and write the newest seal outside the database.
    "audit-seal": {"task": "audit.tasks.seal_audit", "schedule": 300.0},
    # assessments: remind candidates of action points.
    "assessments-action-point-reminders": {
        "task": "assessments.tasks.send_action_point_reminders", "schedule": 3600.0,
    },
}

# Assessments: the assessor's response target, the working week it is counted in, IQA sampling.
RESPONSE_TARGET_WORKING_HOURS = env.int("RESPONSE_TARGET_WORKING_HOURS", default=24)
WORKING_DAYS = tuple(env.list("WORKING_DAYS", cast=int, default=[0, 1, 2, 3, 4]))  # Monday = 0
WORKING_HOURS = tuple(env.list("WORKING_HOURS", cast=int, default=[9, 17]))  # start, end (local time)
IQA_SAMPLING_RATE = env.float("IQA_SAMPLING_RATE", default=0.25)
# The audit trail's seal: an HMAC key kept outside the database. The development default is
# derived from SECRET_KEY; production sets AUDIT_HMAC_KEY to its own long random value.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="") or ("audit-hmac:" + SECRET_KEY)
AUDIT_HEAD_PATH = Path(env.str("AUDIT_HEAD_PATH", default=str(VAR_DIR / "audit-head.json")))

# Portfolio exports (PDF/ZIP built by a Celery worker with WeasyPrint, in a child process under a memory cap).
EXPORT_MEMORY_LIMIT_MB = env.int("EXPORT_MEMORY_LIMIT_MB", default=1500)
# Must stay below CELERY_VISIBILITY_TIMEOUT, or Redis hands a long export to a second worker (check exports.W001).
EXPORT_TIME_LIMIT_SECONDS = env.int("EXPORT_TIME_LIMIT_SECONDS", default=3600)
# The sweep enqueues again exports queued this long (broker down at request time) ...
EXPORT_REQUEUE_AFTER_SECONDS = env.int("EXPORT_REQUEUE_AFTER_SECONDS", default=60)
# ... and running ones whose worker has not reported for this long (it died).
EXPORT_STALE_AFTER_SECONDS = env.int("EXPORT_STALE_AFTER_SECONDS", default=120)
EXPORT_MAX_ATTEMPTS = env.int("EXPORT_MAX_ATTEMPTS", default=3)
# The long side, in pixels, of an image in the PDF (about 150 dpi across the text column).
EXPORT_IMAGE_PIXELS = env.int("EXPORT_IMAGE_PIXELS", default=1000)
# The Celery queue of export tasks; empty: the default queue. Lets heavy exports run on workers of their own.
EXPORT_TASK_QUEUE = env.str("EXPORT_TASK_QUEUE", default="")
# Tests only: a pause in the gathering stage, so a fault test can kill a worker mid-export.
EXPORT_TEST_GATHER_DELAY_SECONDS = env.float("EXPORT_TEST_GATHER_DELAY_SECONDS", default=0)
# Tests only: a pause in the rendering child before it lays out, so a fault test can kill a worker mid-render.
EXPORT_TEST_RENDER_DELAY_SECONDS = env.float("EXPORT_TEST_RENDER_DELAY_SECONDS", default=0)
# evidence: delete resumable uploads left unfinished (S3: abort their multipart uploads).
CELERY_BEAT_SCHEDULE["evidence-expire-resumable-uploads"] = {
    "task": "evidence.tasks.expire_resumable_uploads", "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["exports-requeue-stalled"] = {"task": "exports.tasks.requeue_stalled_exports", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["reports-requeue-stalled"] = {"task": "exports.tasks.requeue_stalled_reports", "schedule": 60.0}
# The centre dashboard's figures: computed by a worker, refreshed when older than this (beat looks every minute) ...
FIGURES_MAX_AGE_SECONDS = env.int("FIGURES_MAX_AGE_SECONDS", default=600)
# ... and a refresh asked for this long ago and not done (its worker or message was lost) is asked for again.
FIGURES_REFRESH_LOST_AFTER_SECONDS = env.int("FIGURES_REFRESH_LOST_AFTER_SECONDS", default=1800)
CELERY_BEAT_SCHEDULE["exports-refresh-stale-figures"] = {"task": "exports.tasks.refresh_stale_figures",
                                                         "schedule": 60.0}

# People's data: withdrawn and completed enrolments whose status is older than this are erased
# (`erase_expired`, or the centre admin's erasure page). Six years and a day by default.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=6 * 365 + 2)

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
