"""The shelf: every contact an import has created or changed, as the import left it, kept in a
temporary file between batches instead of in memory.

Once its batch is done, such a contact is needed again only when a later row shares an
identifier or a name with it, which is rare in a real export and at most a few thousand rows a
batch in a hostile one; meanwhile the match index holds its id alone. Read back from here
rather than from the database, it needs no wait for the writes under way (they are sent from
another thread), and a dry run, which writes nothing, finds it as the real import would: this
is what kept a 500,000-row preview at 1.1 GB when every state stayed in memory.

Each entry is a `marshal` dump (the import's own data, written and read by this process only)
after its length; a contact shelved again is appended anew and its old entry forgotten."""

import marshal
import os
import tempfile

from .idmap import IdMap
from .states import ContactState

_LENGTH = 4
# Bytes read at once: a LinkedIn row's entry takes about 200, a vCard's with notes more.
_READ_AHEAD = 1024


class Shelf:
    def __init__(self):
        # In the system's temporary folder (TMPDIR), gone with the file object or the process.
        self.file = tempfile.TemporaryFile(prefix="network-crm-import-")
        self.where = IdMap()  # contact id → offset of its latest entry
        self.size = 0
        self.unflushed = False

    def put(self, state) -> None:
        """Keep a contact as it now is (its id set, what the import added to it written)."""
        data = marshal.dumps(state.shelved())
        self.where[state.id] = self.size
        self.file.write(len(data).to_bytes(_LENGTH, "little") + data)
        self.size += _LENGTH + len(data)
        self.unflushed = True

    def __contains__(self, contact_id: int) -> bool:
        return contact_id in self.where

    def load(self, ids) -> dict[int, ContactState]:
        """The shelved contacts among `ids`, as ContactStates."""
        if self.unflushed:
            self.file.flush()
            self.unflushed = False
        fd = self.file.fileno()
        states = {}
        for contact_id in ids:
            offset = self.where.get(contact_id)
            if offset is None:
                continue
            data = os.pread(fd, _READ_AHEAD, offset)
            end = _LENGTH + int.from_bytes(data[:_LENGTH], "little")
            if end > len(data):
                data = os.pread(fd, end, offset)
            states[contact_id] = ContactState.unshelved(marshal.loads(data[_LENGTH:end]))
        return states

    def close(self) -> None:
        self.file.close()
