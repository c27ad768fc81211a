"""Query helpers shared by the apps."""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL


def pk_in(ids: list[int]) -> Q:
    """`pk IN ids`; on PostgreSQL as one array parameter. A long list (a broad search's
    thousands of contacts, a digest batch's 2,000 follow-ups) as a placeholder per id took
    longer to build, send and parse than the query took to run."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    return Q(pk__in=ids)
