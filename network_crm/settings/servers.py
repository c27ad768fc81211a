"""The servers the app talks to, each named by a URL, with a default that needs no server when
the URL is unset: the database (DATABASE_URL, else SQLite), Redis (REDIS_URL: the cache and
Celery's broker, else files under the data folder) and mail (EMAIL_URL, else files)."""

import dj_database_url

from ..env import env_int, env_str
from ..mail import mailer_from_url
from .base import DATA_DIR

# Database: DATABASE_URL, else a SQLite file in WAL mode under the data folder.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        )
    }
    # Reconnect after a database restart without a manual step.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's default random_page_cost (4) prices an index lookup as a read from a
        # spinning disk. With SSDs, or a working set in memory, 1.1 is the usual advice. With
        # the default, the planner reads all 5,000 contacts of an account rather than look up
        # the 70 a search found, or the 50 rows of a page's tags and emails. No parallel
        # workers: a page's queries read a few rows, and PostgreSQL, expecting more, started
        # two for them at 6-8 ms (a two-letter search at 1,000,000 interactions: 20 -> 12 ms).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# SQLite builds contacts.Contact's covering index (contact_owner_search) without its INCLUDE
# column, as a plain owner index: nothing is lost but the index-only scan, so no warning.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    # "localhost" is ignored by the transport; without a host kombu warns at every start.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    # Files, not process memory: gunicorn's workers and the Celery worker share what they cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Email: EMAIL_URL (smtp://user:password@host:587?tls=1, console://, file:///path), else files
# under the data folder so a new user can open the digest they were sent.
MAILERS = {"default": mailer_from_url(env_str("EMAIL_URL") or f"file://{DATA_DIR / 'mail'}")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "network_crm <crm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
