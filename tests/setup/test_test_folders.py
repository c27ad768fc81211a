"""The suite's own data: a folder per test process and run (tests/conftest.py), never one fixed
folder that runs and xdist workers share."""

import os
import tempfile
from pathlib import Path

from django.conf import settings


def test_each_test_process_has_a_data_folder_of_its_own_for_this_run(pytestconfig):
    folder = Path(settings.DATA_DIR)
    assert folder == pytestconfig.network_crm_data_dir
    assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("network_crm-test-")
    assert folder.is_dir() and os.environ["NETWORK_CRM_DATA_DIR"] == str(folder)
    assert Path(settings.MEDIA_ROOT).is_relative_to(folder)
    if settings.CELERY_BROKER_URL == "filesystem://":
        assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_relative_to(folder)


def test_ci_uses_a_redis_database_of_its_own_and_empties_it_after():
    import re

    script = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    (url,) = re.findall(r'^export REDIS_URL="([^"]+)"', script, flags=re.M)
    assert not url.endswith("/0")
    assert re.search(r"^trap .*flushdb.* EXIT", script, flags=re.M)
