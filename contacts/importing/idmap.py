"""IdMap: contact id → a number (the file line a contact came from, where it is kept on the
shelf), for every contact an import touches, kept small.

For 500,000 rows its size counts: a dict of ints costs about 100 bytes an entry, two arrays
16. The ids an import creates arrive in increasing order (a sequence's, or a dry run's
negative counter read as its absolute value), so a lookup is a binary search; any other id
(an existing contact's, or one out of order) goes to a small dict beside."""

from array import array
from bisect import bisect_left


class IdMap:
    def __init__(self):
        self.ids = array("q")  # absolute values, increasing; all of one sign (`sign`)
        self.values = array("q")
        self.sign = 0
        self.others: dict[int, int] = {}

    def _at(self, contact_id: int) -> int:
        """Where `contact_id` is in the arrays, or -1."""
        if not self.ids or (contact_id < 0) != (self.sign < 0):
            return -1
        key = abs(contact_id)
        at = bisect_left(self.ids, key)
        return at if at < len(self.ids) and self.ids[at] == key else -1

    def __setitem__(self, contact_id: int, value: int) -> None:
        key = abs(contact_id)
        if not self.ids:
            self.sign = -1 if contact_id < 0 else 1
        if (contact_id < 0) == (self.sign < 0) and (not self.ids or key > self.ids[-1]):
            self.ids.append(key)
            self.values.append(value)
        elif (at := self._at(contact_id)) >= 0:
            self.values[at] = value
        else:
            self.others[contact_id] = value

    def get(self, contact_id: int, default=None):
        if contact_id in self.others:
            return self.others[contact_id]
        at = self._at(contact_id)
        return self.values[at] if at >= 0 else default

    def __getitem__(self, contact_id: int) -> int:
        value = self.get(contact_id)
        if value is None:
            raise KeyError(contact_id)
        return value

    def __contains__(self, contact_id: int) -> bool:
        return self.get(contact_id) is not None

    def __len__(self) -> int:
        return len(self.ids) + len(self.others)
