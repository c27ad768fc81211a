"""Index classes the contacts' models need on both databases the app runs on."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsLastIndex(models.Index):
    """An index with `F(...).desc(nulls_last=True)` columns. PostgreSQL needs NULLS LAST in the
    index for a `… DESC NULLS LAST` ordering to walk it; SQLite refuses the words in CREATE
    INDEX ("unsupported use of NULLS LAST") and sorts NULLs last in DESC order anyway, so
    there they are left out."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using, **kwargs)
        plain = self.clone()
        plain.expressions = tuple(_without_nulls_last(e) for e in self.expressions)
        return models.Index.create_sql(plain, model, schema_editor, using, **kwargs)


def _without_nulls_last(expression):
    if isinstance(expression, OrderBy) and expression.descending and expression.nulls_last:
        return OrderBy(expression.expression, descending=True)
    return expression
