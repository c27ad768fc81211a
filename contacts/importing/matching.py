"""Which contact a row of an import is: the match index.

A row is the same person as a contact only by a strong identifier: an email address, a
LinkedIn profile URL or a phone number (E.164), and only when no other strong identifier
says otherwise (two different LinkedIn profiles are two people). A name alone (contacts.names:
transliterated, nicknames, phonetic spellings) makes a *possible* duplicate, which the import
reports and never merges. The owner's existing keys are loaded once, in a few queries, into
dicts, so matching a row costs a few dict lookups whatever the size of the account or file.
The keys themselves are made in normalize.py; the contacts the index leads to, in states.py.
"""

from ..models import Contact, ContactEmail, ContactPhone, Tag
from ..names import name_keys
from ..phones import phone_key
from .normalize import EMAIL, MATCHED_BY, PHONE, linkedin_match_key, norm_email, norm_linkedin
from .states import ContactState

# How many contacts one name key points at: enough to find the one a row is contained in,
# bounded for the "John Smith"s of a large network.
NAME_CANDIDATES = 8


class MatchIndex:
    """Key → contact id, or the ContactState (or LinkedIn NewRow) of a contact the batch under
    way touches. A name key leads to one contact, or to a list of them when several share it:
    most names are someone's alone, and a list for each cost 80 bytes more a name."""

    def __init__(self, owner):
        self.owner = owner
        self.keys: dict[str, object] = {}
        self.names: dict[str, object] = {}  # name key → a contact, or a list of them
        # The contacts (ids) without a LinkedIn profile, so that one with a profile is known
        # to be another person than a row with another profile without reading it.
        self.unlinked: set[int] = set()
        keys = self.keys
        # Oldest first with setdefault: when two contacts share a key, the older one matches.
        for contact_id, name, phonetic, linkedin in (
            Contact.objects.filter(owner=owner)
            .order_by("id")
            .values_list("id", "name", "phonetic_name", "linkedin_url")
        ):
            if link := norm_linkedin(linkedin):
                keys.setdefault(linkedin_match_key(link), contact_id)
            else:
                self.unlinked.add(contact_id)
            self.add_names(name_keys(name, phonetic), contact_id)
        for number, contact_id in (
            ContactPhone.objects.filter(contact__owner=owner, number__startswith="+")
            .order_by("contact_id")
            .values_list("number", "contact_id")
        ):
            if key := phone_key(number):
                keys.setdefault(PHONE + key, contact_id)
        for email, contact_id in (
            ContactEmail.objects.filter(contact__owner=owner)
            .order_by("contact_id")
            .values_list("email", "contact_id")
        ):
            keys.setdefault(EMAIL + norm_email(email), contact_id)
        self.tag_ids = {
            name.lower(): tag_id
            for tag_id, name in Tag.objects.filter(owner=owner).values_list("id", "name")
        }

    def lookup(self, keys: list[str]):
        """The contact the first known key leads to, and that key's kind (MATCHED_BY)."""
        for key in keys:
            ref = self.keys.get(key)
            if ref is not None:
                return ref, MATCHED_BY[key[0]]
        return None, ""

    def add_names(self, keys, ref) -> None:
        names = self.names
        for key in keys:
            refs = names.get(key)
            if refs is None:
                names[key] = ref
            elif type(refs) is list:
                if len(refs) < NAME_CANDIDATES and ref not in refs:
                    refs.append(ref)
            elif refs != ref:
                names[key] = [refs, ref]

    def candidates(self, keys) -> list:
        """The contacts (ids and states) whose name shares one of `keys`, oldest first."""
        found = []
        names = self.names
        for key in keys:
            refs = names.get(key)
            if refs is None:
                continue
            for ref in refs if type(refs) is list else (refs,):
                if ref not in found:
                    found.append(ref)
        return found

    def repoint(self, old, new, keys, names) -> None:
        """The index's `keys` and name keys `names` that lead to `old` lead to `new` instead
        (a state to its id once written, a LinkedIn row to the state it became)."""
        index = self.keys
        for key in keys:
            if index.get(key) is old:
                index[key] = new
        index = self.names
        for key in names:
            refs = index.get(key)
            if refs is old:
                index[key] = new
            elif type(refs) is list:
                for at, ref in enumerate(refs):
                    if ref is old:
                        refs[at] = new

    def has_linkedin(self, ref) -> bool:
        """Whether the contact (an id, or a state the batch touches) has a LinkedIn profile."""
        if type(ref) is int:
            return ref not in self.unlinked
        return ref.has_linkedin()

    def settle(self, state) -> None:
        """The state is written (or numbered, in a dry run): it is known by its id alone."""
        self.repoint(state, state.id, state.keys, state.names)
        if state.has_linkedin():
            self.unlinked.discard(state.id)
        else:
            self.unlinked.add(state.id)

    def forget(self, contact_id: int) -> None:
        """The contact is gone (deleted by its owner while the import ran): nothing matches
        it any more."""
        for key in [k for k, ref in self.keys.items() if type(ref) is int and ref == contact_id]:
            del self.keys[key]
        for key, refs in list(self.names.items()):
            if type(refs) is list:
                if contact_id in refs:
                    refs.remove(contact_id)
            elif type(refs) is int and refs == contact_id:
                del self.names[key]

    def register(self, state: ContactState, keys=None) -> None:
        """Point the state's keys (computed from its fields unless given) at it, and its
        name's keys."""
        for key in state.match_keys() if keys is None else keys:
            if key not in self.keys:
                self.keys[key] = state
                state.keys.append(key)
        names = state.name_keys()
        if names != state.names:
            self.add_names(names - state.names, state)
            state.names = names
