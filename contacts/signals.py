"""Signals that contacts sends for the apps built on it: contacts never imports them, they
connect to these in their AppConfig.ready()."""

from django.dispatch import Signal

# Sent with `contact_ids` once contacts were created or had a field that moves their next
# follow-up changed (services.SCHEDULE_FIELDS), inside the write's transaction. The follow-up
# engine recomputes their schedule (connected in interactions/apps.py).
schedule_changed = Signal()

# Sent with `survivor_id` and `other_id` once merging.merge_contacts moved every row that
# pointed at the other contact onto the survivor, inside the merge's transaction and before the
# other contact is deleted. The follow-up engine rewrites the source keys that named the other
# contact and recomputes the survivor's schedule (connected in interactions/apps.py).
contact_merged = Signal()

# Sent with `owner_id` and `contact_ids` once an Undo put deleted contacts back (their rows as
# they were deleted), inside the Undo's transaction. The follow-up engine recomputes their last
# interaction, next follow-up and strength, in case a conversation of theirs went meanwhile
# (connected in interactions/apps.py).
contacts_restored = Signal()
