"""Pages of lists too long to count on every visit."""

from django.core.paginator import Paginator


class UncountedPage:
    """A page of a list too long to count on every visit (a million interactions take longer
    to count than the page takes to render): Previous / Next and the page's number, no "of N".
    One row past the page tells whether there is a next one. `paginator` is None, which
    templates test to leave out what only a count can say."""

    def __init__(self, queryset, number, per_page: int):
        self.number = number
        rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
        self.object_list, self._more = rows[:per_page], len(rows) > per_page
        self.paginator = None

    def has_next(self):
        return self._more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def page_of(queryset, number: str | None, per_page: int, *, count_up_to: int = 0):
    """Page `number` (the query string's value) of `queryset`.

    With `count_up_to`, the rows are counted up to that many, in a query that stops there: a
    list no longer is a Django Paginator page ("page 2 of 5", its count); a longer one, like
    every list without `count_up_to`, an UncountedPage. A page past the end is the last page,
    as Paginator.get_page does (counting every row, for that rare request only)."""
    number = int(number) if number and number.isdigit() and int(number) else 1
    if count_up_to:
        count = queryset.order_by().values("pk")[: count_up_to + 1].count()
        if count <= count_up_to:
            paginator = Paginator(queryset, per_page)
            paginator.count = count  # a cached_property: counted already, up to the limit
            return paginator.get_page(number)
    page = UncountedPage(queryset, number, per_page)
    if not page.object_list and page.number > 1:
        paginator = Paginator(queryset, per_page)
        page = paginator.get_page(paginator.num_pages)
    return page
