"""Settings for the benchmark's child processes (gunicorn, the import probe, the page walk):
the project's own settings pointed at the bench database, with the cache under a key prefix of
its own so the benchmark never reads or writes the real site's cache entries."""

import os

from network_crm.settings import *  # noqa: F403
from network_crm.settings import ALLOWED_HOSTS, CACHES, DATABASES

DATABASES["default"]["NAME"] = os.environ["NETWORK_CRM_BENCH_DATABASE"]
CACHES["default"]["KEY_PREFIX"] = os.environ.get("NETWORK_CRM_BENCH_CACHE_PREFIX", "bench")
# The page walk sends its requests through Django's test Client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
