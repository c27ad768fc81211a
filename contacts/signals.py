"""Signals that contacts sends for the apps built on it: contacts never imports them, they
connect to these in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent with `contact_ids` once contacts were created or had a field that moves their next
# follow-up changed (services.SCHEDULE_FIELDS), inside the write's transaction. The follow-up
# engine recomputes their schedule (connected in interactions/apps.py).
schedule_changed = Signal()
