"""A believable demo network for one user, fast enough to build benchmark-sized data sets.

`build_demo_network` is used by `manage.py seed_demo` and by the benchmark. Everything is
planned in memory from `random.Random(seed)` first, so that the same seed (and the same `today`)
gives the same network, and then written with `bulk_create` in batches (no per-row save()):
5,000 contacts and 200,000 interactions take seconds, not minutes. Rows written here bypass the
follow-up engine, so the generator sets what the engine would have set itself: each contact's
last interaction and next follow-up, mentorships' last session, and the promise, give and event
follow-ups with the engine's source keys.

The modules: builder.py runs the steps in order; people.py plans and writes the contacts, tags
and events, conversations.py the interactions and their promises, relations.py the gives,
links, mentorships and event follow-ups; vocabulary.py holds the names and words they draw
from, rows.py the bulk writes.
"""

from .builder import DEFAULT_CONTACTS, build_demo_network

__all__ = ["DEFAULT_CONTACTS", "build_demo_network"]
