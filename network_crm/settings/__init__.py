"""Settings for network_crm, read from environment variables (docs/configuration.md).

Defaults are safe for production (DEBUG off, secure cookies, HSTS, strict CSP) and need no
servers: SQLite in WAL mode and a filesystem Celery broker under the data folder. Setting
DATABASE_URL and REDIS_URL moves the same app onto PostgreSQL and Redis.

One settings module (DJANGO_SETTINGS_MODULE=network_crm.settings), written by area; each area
imports by name what it reads from an earlier one:
- base: paths, the secret key, apps, middleware, templates, static files, logging
- servers: the database, Redis (cache and Celery's broker) and mail, each from a URL
- accounts: sign-in, lockouts, two-factor and single sign-on
- security: HTTPS, cookies, sessions, the client's address behind a proxy, CSP
- background: Celery's options and beat's schedule
- features: imports and restores, phone numbers, links, capture, reminders, web push
- api: the REST API, its rate limits and outgoing webhooks
"""

from .base import *  # noqa: F403
from .servers import *  # noqa: F403
from .accounts import *  # noqa: F403
from .security import *  # noqa: F403
from .background import *  # noqa: F403
from .features import *  # noqa: F403
from .api import *  # noqa: F403
