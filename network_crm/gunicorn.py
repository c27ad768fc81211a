"""gunicorn's settings for the web process (`gunicorn -c python:network_crm.gunicorn …`, as in
the Procfile, docker-compose.yml and the Dockerfile).

gunicorn tells at INFO how it starts and stops (its version, the worker class, each worker
booting, a signal handled, each worker exiting): seven lines at every start and five at every
stop. It logs from WARNING instead, and says once, when it serves, where and with how many
workers. Errors, tracebacks and the access log are as before.
"""

import os
import sys
import time

loglevel = "warning"
# gunicornc is not used; without this every gunicorn of the account shares ~/.gunicorn/.
control_socket_disable = True


def when_ready(server):
    listeners = ", ".join(str(listener) for listener in server.LISTENERS)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
    print(
        f"[{stamp}] [{os.getpid()}] [INFO] network_crm web listening at {listeners} "
        f"with {server.cfg.workers} workers",
        file=sys.stderr,
        flush=True,
    )
