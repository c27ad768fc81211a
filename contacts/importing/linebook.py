"""LineBook: which line of the file each contact an import created came from, kept small.

An import remembers it for every contact it creates (a later row of the same person is
reported as "same person as line N"), so for 500,000 rows its size counts: a dict of ints
costs about 100 bytes an entry, two arrays 16. The ids arrive in increasing order (a
sequence's, or a dry run's negative counter read as its absolute value), so a lookup is a
binary search; an id out of order (none is expected) goes to a small dict beside."""

from array import array
from bisect import bisect_left


class LineBook:
    def __init__(self):
        self.ids = array("q")
        self.lines = array("q")
        self.others: dict[int, int] = {}

    def __setitem__(self, contact_id: int, line: int) -> None:
        key = abs(contact_id)
        if not self.ids or key > self.ids[-1]:
            self.ids.append(key)
            self.lines.append(line)
        else:
            self.others[contact_id] = line

    def get(self, contact_id: int, default=None):
        if contact_id in self.others:
            return self.others[contact_id]
        key = abs(contact_id)
        at = bisect_left(self.ids, key)
        if at < len(self.ids) and self.ids[at] == key:
            return self.lines[at]
        return default

    def __getitem__(self, contact_id: int) -> int:
        line = self.get(contact_id)
        if line is None:
            raise KeyError(contact_id)
        return line

    def __contains__(self, contact_id: int) -> bool:
        return self.get(contact_id) is not None

    def __len__(self) -> int:
        return len(self.ids) + len(self.others)
