import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network_crm.settings")
application = get_wsgi_application()
# Django and the app, loaded above, live as long as the worker: Python's full collections leave
# them out (gc.freeze) instead of walking them all, a pause of 55-180 ms on whichever request
# set one off, 13-30 ms after (190,000 objects after every page; docs/performance.md).
gc.freeze()
