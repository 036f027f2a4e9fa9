"""One settings module, driven by environment variables (see docs/configuration.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import locale as _django_locale
from django.core.exceptions import ImproperlyConfigured

from sammen.lib.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("SAMMEN_DATA_DIR", str(BASE_DIR.parent / "data")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("SAMMEN_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY: must be set in production")
    # A development key: fine for the demo and tests, refused when SAMMEN_REQUIRE_SECRET_KEY=1.
    SECRET_KEY = "sammen-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "template_partials",
    "sammen.accounts",
    "sammen.roster",
    "sammen.audit",
    "sammen.attendance",
    "sammen.warning",
    "sammen.cooperation",
    "sammen.voice",
    "sammen.followup",
    "sammen.conversations",
    "sammen.portal",
    "sammen.web",
]

MIDDLEWARE = [
    "sammen.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sammen.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sammen.accounts.middleware.SessionTimeoutMiddleware",
    # After the login middlewares (it reads request.user): a guardian's own language, and staff
    # kept to the languages staff pages exist in.
    "sammen.portal.middleware.LanguageMiddleware",
    "sammen.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sammen.urls"
WSGI_APPLICATION = "sammen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sammen.web.context.navigation",
            ],
        },
    }
]

_database_url = env_str("DATABASE_URL")
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": parse_database_url(_database_url)
    if _database_url
    else sqlite_database(DATA_DIR / "sammen.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout of repeated failed logins (django-axes): per username and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Sign-ins are in the audit trail; axes need not keep its own copy of every user's addresses.
AXES_DISABLE_ACCESS_LOG = True

# Local accounts (user name + password). Off once everyone signs in through Feide/ID-porten:
# the login page then says so and refuses a POST with 403.
SAMMEN_LOCAL_LOGIN = env_bool("SAMMEN_LOCAL_LOGIN", True)

# Sessions: sammen.accounts.middleware ends a session idle longer than SESSION_IDLE_SECONDS or
# older than SESSION_COOKIE_AGE (counted from login, not from the last cookie refresh).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    SESSION_COOKIE_NAME = "__Host-sammen-session"
    CSRF_COOKIE_NAME = "__Host-sammen-csrf"
    SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

OTP_TOTP_ISSUER = "Sammen"

# --- Login with Feide (staff) and ID-porten (guardians), OpenID Connect: docs/login.md --------
# A provider is offered on the login page when its issuer and client id are set. Discovery is read
# from <issuer>/.well-known/openid-configuration.
_FEIDE_MFA = "urn:mace:feide.no:auth:level:fad08:3"
_IDPORTEN_LEVELS = ("idporten-loa-substantial", "idporten-loa-high")
_idporten_acr = env_str("IDPORTEN_ACR_VALUES", _IDPORTEN_LEVELS[0]).split()
if not _idporten_acr or not set(_idporten_acr) <= set(_IDPORTEN_LEVELS):
    raise ImproperlyConfigured(
        "IDPORTEN_ACR_VALUES: guardians must log in at idporten-loa-substantial or "
        "idporten-loa-high"
    )
OIDC_PROVIDERS: dict[str, dict[str, object]] = {
    "feide": {
        "issuer": env_str("FEIDE_ISSUER"),
        "client_id": env_str("FEIDE_CLIENT_ID"),
        "client_secret": env_str("FEIDE_CLIENT_SECRET"),
        "private_key": "",
        "private_key_id": "",
        "scopes": env_str("FEIDE_SCOPES", "openid userid-feide").split(),
        # Staff must log in with two factors (Feide MFA) unless this is set empty on purpose.
        "acr_values": env_str("FEIDE_ACR_VALUES", _FEIDE_MFA).split(),
        # Feide's extended userinfo (group entitlements); empty: the discovery's userinfo.
        "userinfo_url": env_str("FEIDE_USERINFO_URL"),
    },
    "idporten": {
        "issuer": env_str("IDPORTEN_ISSUER"),
        "client_id": env_str("IDPORTEN_CLIENT_ID"),
        "client_secret": env_str("IDPORTEN_CLIENT_SECRET"),
        # A PEM private key (IDPORTEN_PRIVATE_KEY_FILE names the file) for private_key_jwt; it
        # replaces the secret. IDPORTEN_PRIVATE_KEY_ID is the key's kid as registered at Digdir.
        "private_key": env_str("IDPORTEN_PRIVATE_KEY"),
        "private_key_id": env_str("IDPORTEN_PRIVATE_KEY_ID"),
        "scopes": env_str("IDPORTEN_SCOPES", "openid profile").split(),
        "acr_values": _idporten_acr,
        "userinfo_url": "",
    },
}
# Allowed clock difference with the providers when checking token times; kept small.
OIDC_LEEWAY_SECONDS = env_int("OIDC_LEEWAY_SECONDS", 60, minimum=0)
if OIDC_LEEWAY_SECONDS > 300:
    raise ImproperlyConfigured("OIDC_LEEWAY_SECONDS: at most 300 (five minutes)")
# How long discovery documents and signing keys are reused before they are fetched again.
OIDC_CACHE_SECONDS = env_int("OIDC_CACHE_SECONDS", 60 * 60, minimum=60)
# How long a started login may take at the provider before its state is forgotten.
OIDC_LOGIN_TIMEOUT_SECONDS = env_int("OIDC_LOGIN_TIMEOUT_SECONDS", 10 * 60, minimum=60)
OIDC_HTTP_TIMEOUT_SECONDS = env_int("OIDC_HTTP_TIMEOUT_SECONDS", 10, minimum=1)
# Schools (organisation numbers) that let Feide's group entitlements set who teaches which group.
FEIDE_GROUP_SYNC_ORGS = env_list("FEIDE_GROUP_SYNC_ORGS", [])
# The key of Guardian.pid_hash (see sammen.roster.pid); set it apart from SECRET_KEY.
PID_HASH_KEY = env_str("PID_HASH_KEY")
# The database session store, plus a record of whose session each one is, so that all of a
# user's sessions can be ended at once (provider logout, an administrator).
SESSION_ENGINE = "sammen.accounts.session_store"
# --- end of the login block -------------------------------------------------------------------

LANGUAGE_CODE = "nb"
# Each language by its own name, untranslated: a reader looks for their language as they write it.
# Staff pages are Bokmål and English; the other five cover the guardian portal
# (sammen/portal/languages.py) and fall back to Bokmål elsewhere.
LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
]
STAFF_LANGUAGES = ("nb", "en")
# Django ships no locale data for Somali: name it here so {% get_language_info %} knows it, and
# let sammen/formats/so give it dates and numbers (Django's defaults would be American).
_django_locale.LANG_INFO.setdefault(
    "so", {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"}
)
FORMAT_MODULE_PATH = ["sammen.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise serves straight from the finders, so the demo needs no collectstatic step.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sammen@localhost")
SMS_BACKEND = env_str("SMS_BACKEND", "sammen.lib.sms.ConsoleBackend")

# The password every demo persona gets; printed by `make demo`.
DEMO_PASSWORD = env_str("SAMMEN_DEMO_PASSWORD", "sammen-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
