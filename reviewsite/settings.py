"""Marquee settings: one module, configured from the environment.

Every variable is listed with its default in README.md ("Configuration").
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Set DJANGO_SECRET_KEY to a long random string, or DJANGO_DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "reviewsite",
    "accounts",
    "reviews",
    "comments",
]

MIDDLEWARE = [
    # Compresses HTML (a review page with its thread is ~130 KB, ~20 KB gzipped); Django adds
    # random padding against BREACH, and CSRF tokens are masked per request. Static files are
    # compressed ahead of time by WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "reviewsite.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "reviewsite.siteurl.SiteURLMiddleware",
]

ROOT_URLCONF = "reviewsite.urls"
WSGI_APPLICATION = "reviewsite.wsgi.application"
SITE_ID = 1

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
                "reviewsite.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
_engine = DATABASES["default"]["ENGINE"]
if _engine == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
    # timeout instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _engine == "django.db.backends.postgresql":
    # The pool replaces persistent connections: Django refuses both at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DJANGO_DB_POOL_MIN", 1),
        "max_size": env_int("DJANGO_DB_POOL_MAX", 10),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _cache = {
        "BACKEND": "reviewsite.cache.RedisCache",  # Django's, with one client per pool
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "marquee"),
    }
else:
    # Per process; room for every comment of a few busy threads (the default is 300 entries).
    _cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "marquee",
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_LOCMEM_CACHE_ENTRIES", 50_000)},
    }
# Sessions live in the database; with a shared Redis they are also read through it, which saves
# a query on every signed-in request. Not with the per-process local-memory cache: another
# process would keep serving a session this one changed.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)


def html_version(base_dir=BASE_DIR):
    """A digest of everything rendered HTML depends on besides the data: our templates, the
    template tags that write HTML, the pinned packages (their templates), the time zone and the
    thread's depth setting, plus DJANGO_HTML_VERSION for anything else a deploy changes. Read
    once at start-up."""
    digest = hashlib.sha256()
    for part in (os.environ.get("DJANGO_HTML_VERSION", ""), TIME_ZONE, MARQUEE_COMMENTS_MAX_DEPTH):
        digest.update(f"{part}\x1f".encode())
    sources = [*(base_dir / "templates").rglob("*"), *base_dir.glob("*/templatetags/*.py")]
    for path in sorted([*sources, base_dir / "requirements.txt"]):
        if path.is_file():
            digest.update(path.relative_to(base_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return int(digest.hexdigest()[:12], 16)


# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{os.environ.get('DJANGO_SITE_NAME', 'Marquee')}] "
# Path segments of /members/ that must never be someone's username.
ACCOUNT_USERNAME_BLACKLIST = ["settings", "admin", "accounts", "members", "me", "deleted", "marquee"]
# allauth counts attempts in the default cache: Redis when REDIS_URL is set, so every process
# shares the counts. Over the limit, allauth answers 429 with templates/429.html (site layout).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Social sign-in. Providers come from the admin (Social applications) or, for OpenID Connect,
# from DJANGO_OIDC_* below; the buttons show only when one is configured.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False
# A provider's verified address signs in to the local account with that address and connects
# it. Only configure providers that really verify addresses.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS = {}
if os.environ.get("DJANGO_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("DJANGO_OIDC_PROVIDER_ID", "oidc"),
                "name": os.environ.get("DJANGO_OIDC_NAME", "Single sign-on"),
                "client_id": os.environ.get("DJANGO_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("DJANGO_OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": os.environ["DJANGO_OIDC_SERVER_URL"]},
            }
        ],
    }

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; tests and `make run` use plain names.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Media is the web server's job in production; `make serve` turns this on for local use.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Marquee <noreply@marquee.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Tasks (django-tasks backport of Django's tasks API) ------------------
# "immediate" (the default: development and tests) runs a task in the request that enqueued
# it, after commit; "database" stores it for `manage.py db_worker` (django-tasks-db) in production.
TASKS_BACKEND = os.environ.get("DJANGO_TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured("DJANGO_TASKS_BACKEND must be 'immediate' or 'database'.")
# Tasks stored in the site's database are enqueued inside the transaction that needs them.
MARQUEE_TASKS_STORED_IN_DATABASE = TASKS_BACKEND == "database"

# --- Security -------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY") else None
# allauth's rate limits (sign-in, sign-up, password reset) count per client IP. Behind our proxy
# REMOTE_ADDR is the proxy's, which would make every limit site-wide (the soak saw ten readers
# signing in at once refused as "too many failed attempts"): take the last X-Forwarded-For
# entry, the one our proxy appended, as comments.forms.client_ip does.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("DJANGO_BEHIND_PROXY") else 0
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp). Everything comes from this site; no inline script, and
# no inline style but one rule for signed-in readers: anonymous readers get whole pages from a
# shared cache (reviewsite/pagecache.py), where a per-request nonce would be wrong for every later reader.
# JSON-LD (<script type="application/ld+json">) is data, not run, and needs nothing.
# The one inline <style> is Django's own change list without actions (a critic's review list);
# its hash is checked against the installed Django by tests/security/test_headers.py.
ADMIN_CHANGELIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
_oidc_origin = "/".join(os.environ.get("DJANGO_OIDC_SERVER_URL", "").split("/")[:3])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # NONCE appears only in responses whose template asked for one (the thread's rule for
        # signed-in readers, which is per reader); anonymous readers' cached pages never do.
        "style-src": [SELF, ADMIN_CHANGELIST_STYLE_HASH, NONCE],
        "img-src": [SELF, "data:"],  # Bootstrap draws its form and toggler icons as data: SVG
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        # Sign-in with OpenID Connect posts here and is redirected to the provider.
        "form-action": [SELF, *([_oidc_origin] if _oidc_origin else [])],
    }
}
# Powerful features nobody here uses are off for the site and anything it could embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)

# --- Forms ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Site -----------------------------------------------------------------
MARQUEE_SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Marquee")
# Comments close this many days after a review is published (a review can set its own date).
MARQUEE_COMMENTS_CLOSE_AFTER_DAYS = env_int("DJANGO_COMMENTS_CLOSE_AFTER_DAYS", 30)
# --- Comments (comments/): the thread on the review page ------------------
MARQUEE_COMMENTS_PER_PAGE = env_int("DJANGO_COMMENTS_PER_PAGE", 50)  # top-level threads a page
MARQUEE_COMMENTS_MAX_DEPTH = env_int("DJANGO_COMMENTS_MAX_DEPTH", 5)  # deeper replies show at this depth
MARQUEE_COMMENTS_FORM_MIN_SECONDS = 3  # a form posted sooner after rendering is held for an editor
MARQUEE_COMMENTS_FORM_MAX_SECONDS = 2 * 60 * 60  # a form older than this is held for an editor
MARQUEE_COMMENTS_CACHE_SECONDS = env_int("DJANGO_COMMENTS_CACHE_SECONDS", 24 * 60 * 60)  # thread fragments
# Whole pages for anonymous readers (reviewsite/pagecache.py); keyed by the page's validators.
MARQUEE_PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 60 * 60)
# How far behind the latest change an anonymous reader's page may be: a thread that changes
# several times a second is rendered at most once in this time, not once per change (0: never).
MARQUEE_PAGE_CACHE_STALE_SECONDS = env_int("DJANGO_PAGE_CACHE_STALE_MS", 500) / 1000
# Rendered HTML (comment fragments, thread pages, review fragments, whole pages) lives in its own
# cache alias, versioned by `html_version()`: a deploy that changes a template never serves the old
# HTML, and nothing else needs bumping. Counters and sessions stay in "default".
CACHES = {"default": _cache, "html": {**_cache, "VERSION": html_version()}}
if REDIS_URL:
    # Each process keeps the whole pages it served last (reviewsite/pagecache.py): a busy page is
    # read from Redis once per change instead of once per reader (it is ~200 KB).
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "marquee-pages",
        "VERSION": CACHES["html"]["VERSION"],
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_LOCAL_PAGE_CACHE_ENTRIES", 200)},
    }
# Absolute links in e-mail (notifications, confirmation and unsubscribe links). Empty: the
# address of the request that caused the e-mail (reviewsite/siteurl.py).
MARQUEE_SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")

# --- Comment moderation (comments/moderation.py) ----------------------------
# Flood limits (README "Moderation" says how they were chosen). Accounts are limited per account
# only; guests per e-mail address, and per IP address by a cap high enough for a shared address.
# The benchmarks (bench/) lift them through the environment: their clients all come from 127.0.0.1.
MARQUEE_MODERATION_FLOOD_SECONDS = env_int("DJANGO_MODERATION_FLOOD_SECONDS", 15)  # one comment per poster
MARQUEE_MODERATION_ACCOUNT_PER_HOUR = env_int("DJANGO_MODERATION_ACCOUNT_PER_HOUR", 30)
MARQUEE_MODERATION_GUEST_EMAIL_PER_HOUR = env_int("DJANGO_MODERATION_GUEST_EMAIL_PER_HOUR", 10)
MARQUEE_MODERATION_GUEST_IP_PER_HOUR = env_int("DJANGO_MODERATION_GUEST_IP_PER_HOUR", 30)
MARQUEE_MODERATION_DUPLICATE_HOURS = 24
MARQUEE_MODERATION_MAX_LINKS = 2  # more links than this: held
MARQUEE_MODERATION_KNOWN_AFTER_APPROVED = 1  # approved comments before one skips the queue
MARQUEE_MODERATION_STRIKES_ENABLED = env_bool("DJANGO_MODERATION_STRIKES", True)
MARQUEE_MODERATION_STRIKES = 3  # rejections within the window before a suspension
MARQUEE_MODERATION_STRIKE_WINDOW_DAYS = 30
MARQUEE_MODERATION_SUSPENSION_DAYS = 7
MARQUEE_MODERATION_REPORT_THRESHOLD = 3  # distinct readers' reports send a comment back to the queue
MARQUEE_MODERATION_EDIT_MINUTES = 15  # authors may edit their comment this long
MARQUEE_MODERATION_GUEST_LINK_DAYS = 30  # guests' signed edit/delete links
MARQUEE_MODERATION_CONFIRM_DAYS = 7  # guests' e-mail confirmation links
# Comments' IP address and user agent (for moderation: floods, bans) are cleared after this
# many days by the `clear_old_comment_addresses` task (`manage.py clear_comment_addresses`).
MARQUEE_COMMENT_IP_RETENTION_DAYS = env_int("DJANGO_COMMENT_IP_RETENTION_DAYS", 30)
# "digest": each editor gets at most one e-mail per MARQUEE_MODERATION_DIGEST_MINUTES listing the
# comments held since the last one; "each": an e-mail per held comment; "none": no e-mail.
MARQUEE_MODERATION_NOTIFY_EDITORS = os.environ.get("DJANGO_MODERATION_NOTIFY_EDITORS", "digest")
if MARQUEE_MODERATION_NOTIFY_EDITORS not in ("digest", "each", "none"):
    raise ImproperlyConfigured("DJANGO_MODERATION_NOTIFY_EDITORS must be 'digest', 'each' or 'none'.")
MARQUEE_MODERATION_DIGEST_MINUTES = env_int("DJANGO_MODERATION_DIGEST_MINUTES", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
