import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network_crm.settings")
application = get_asgi_application()
gc.freeze()  # as in wsgi.py: what is loaded now lives as long as the process
