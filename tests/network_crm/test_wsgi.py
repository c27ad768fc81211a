"""The web process's entry point (network_crm/wsgi.py)."""

import subprocess
import sys


def test_the_web_process_leaves_the_loaded_app_out_of_full_collections():
    # In a process of its own: freezing this test process's objects would outlive the test.
    code = "import gc, network_crm.wsgi; print(gc.get_freeze_count())"
    frozen = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    # Django and the app: over 100,000 objects; a bare interpreter freezes none.
    assert int(frozen) > 50_000
