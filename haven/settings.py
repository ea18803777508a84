"""Haven's one settings module.

Everything that differs between a laptop and a national deployment comes
from the environment (see ``docs/deployment.md``). SQLite is the default so
that ``make run`` needs nothing installed; ``DATABASE_URL`` selects
PostgreSQL. With ``HAVEN_DEBUG`` off (the default) the production safety
rules apply and the process refuses to start without a real secret key.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from haven.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HAVEN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("HAVEN_DEBUG", False)
TESTING = "pytest" in sys.modules
DEMO_MODE = env_bool("HAVEN_DEMO", DEBUG)

_DEV_KEY_FILE = VAR_DIR / "dev-secret-key"


def _secret_key() -> str:
    key = env_str("HAVEN_SECRET_KEY")
    if key:
        if not (DEBUG or TESTING) and (len(key) < 50 or key.startswith("django-insecure")):
            raise ImproperlyConfigured("HAVEN_SECRET_KEY is too short or a default; use 50+ random characters.")
        return key
    if TESTING:
        return "haven-test-" + "k" * 50
    if DEBUG:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        if not _DEV_KEY_FILE.exists():
            _DEV_KEY_FILE.write_text(secrets.token_urlsafe(64), encoding="utf-8")
            _DEV_KEY_FILE.chmod(0o600)
        return _DEV_KEY_FILE.read_text(encoding="utf-8").strip()
    raise ImproperlyConfigured(
        "HAVEN_SECRET_KEY (or HAVEN_SECRET_KEY_FILE) must be set when HAVEN_DEBUG is off. "
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("HAVEN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("HAVEN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "haven.accounts",
    "haven.audit",
    "haven.api",
    "haven.registry",
    "haven.matching",
    "haven.shelter",
    "haven.pathways",
    "haven.support",
    "haven.credentials",
    "haven.oversight",
    "haven.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "bootstrap",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haven.audit.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haven.accounts.middleware.RequireTwoFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "haven" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "haven.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'haven.sqlite3'}",
        # Kept open between requests (checked before reuse): a new connection per request
        # cost every name search a PostgreSQL handshake, or on SQLite a WAL checkpoint.
        conn_max_age=env_int("HAVEN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue
        # instead of failing with "database is locked" on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("HAVEN_TEST_SQLITE", "") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Authentication -------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests log in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

HAVEN_GC_GEN0 = env_int("HAVEN_GC_GEN0", 10_000)
"""Python's first garbage-collection threshold in every Haven process (see haven.core.apps)."""
HAVEN_SEARCH_READERS = env_int("HAVEN_SEARCH_READERS", 1)
"""PostgreSQL: extra connections per process that read a search tier's index queries beside the
request's own (0: one after another). See haven.matching.search.candidate_texts_each."""

# Idle timeout: the session cookie is renewed on every request and expires
# after this many minutes without one.
HAVEN_IDLE_TIMEOUT_MINUTES = env_int("HAVEN_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = HAVEN_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Messages ("Farida Haddad checked in to room 12, bed 3") are kept in the server-side session,
# never in a cookie: Django's default puts them in a signed, not encrypted, cookie first.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

AXES_FAILURE_LIMIT = env_int("HAVEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("HAVEN_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "haven.accounts.views.locked_out"
AXES_VERBOSE = False
# Lockout is per username only: staff at a centre share one public address
# behind NAT, so locking by address would lock the whole centre out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor authentication is required for the roles that say so
# (administrator and ombudsman) unless turned off here; demo mode never
# enforces it so that the demo logins work out of the box.
HAVEN_REQUIRE_2FA = env_bool("HAVEN_REQUIRE_2FA", not (DEBUG or DEMO_MODE))
OTP_TOTP_ISSUER = "Haven"
# Should django-otp's device admin ever be registered again, it shows no keys (haven.accounts.admin unregisters it).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

HAVEN_API_TOKEN_DAYS = env_int("HAVEN_API_TOKEN_DAYS", 30)

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = env_str("HAVEN_LANGUAGE", "en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "haven" / "locale"]
USE_I18N = True
TIME_ZONE = env_str("HAVEN_TIME_ZONE", "Asia/Yekaterinburg")  # Perm
USE_TZ = True

# --- Static and media files -----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "haven" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background tasks -----------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
    }
}

# --- Security headers -----------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
_SECURE = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("HAVEN_SSL_REDIRECT", _SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HAVEN_BEHIND_PROXY", False) else None
# Keep the proxy's X-Request-ID (haven.audit.middleware); only if the proxy overwrites the client's.
HAVEN_TRUST_REQUEST_ID = env_bool("HAVEN_TRUST_REQUEST_ID", False)
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_HSTS_SECONDS = env_int("HAVEN_HSTS_SECONDS", 31_536_000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = env_bool("HAVEN_HSTS_PRELOAD", _SECURE)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Haven ----------------------------------------------------------------

# Prefix of human-readable registration numbers, e.g. PRM-2025-000123.
HAVEN_REGISTRATION_PREFIX = env_str("HAVEN_REGISTRATION_PREFIX", "PRM")
# Key for encrypting confidential notes and document scans (Fernet keys,
# comma-separated; the first encrypts, all decrypt: see docs/data-protection.md).
HAVEN_FIELD_KEYS = env_list("HAVEN_FIELD_KEYS")

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "haven.lib.logging.PersonalDataFilter"},
        "request_id": {"()": "haven.lib.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "personal_data"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("HAVEN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
