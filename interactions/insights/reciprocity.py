"""Balance of support: what the user gave against what they received and asked, overall and
per contact ("give before you ask")."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Lower

from contacts.models import Contact

from ..models import Direction, Support, SupportStatus


@dataclass
class BalanceRow:
    contact: Contact
    gives: int
    received: int
    asks: int

    @property
    def taken(self) -> int:
        return self.received + self.asks

    @property
    def net(self) -> int:
        """Positive when the user has given more than they received and asked."""
        return self.gives - self.taken


@dataclass
class Balance:
    gives: int
    received: int
    asks: int
    rows: list[BalanceRow]

    @property
    def net(self) -> int:
        return self.gives - self.received - self.asks

    @property
    def give_before_you_ask(self) -> list[BalanceRow]:
        """Contacts who gave or were asked more than they got back, most owed first."""
        return [row for row in self.rows if row.net < 0]


def _direction_counts(prefix: str = "") -> dict:
    """Gives, received and asks (declined ones left out) as filtered counts over supports, or
    over a relation to them when `prefix` is e.g. "supports__"."""
    live = ~Q(**{f"{prefix}status": SupportStatus.DECLINED})
    return {
        name: Count(f"{prefix}id", filter=live & Q(**{f"{prefix}direction": direction}))
        for name, direction in (
            ("gives", Direction.GIVE),
            ("received", Direction.RECEIVED),
            ("asks", Direction.ASK),
        )
    }


def support_counts(owner) -> dict[int, dict[str, int]]:
    """Gives, received and asks (not declined) per contact id, in one aggregate query."""
    rows = (
        Support.objects.filter(owner=owner)
        .exclude(status=SupportStatus.DECLINED)
        .values("contact_id")
        .annotate(**_direction_counts())
        .order_by()
    )
    return {row.pop("contact_id"): row for row in rows}


def balance(owner, limit: int | None = None) -> Balance:
    """Given versus received and asked, overall and per contact; rows sorted with the contacts
    the user owes most first ("give before you ask"), only the first `limit` of them when given.
    Three queries whatever the number of supports."""
    supports = Support.objects.filter(owner=owner)
    totals = supports.aggregate(**_direction_counts())
    per_contact = (
        supports.exclude(status=SupportStatus.DECLINED)
        .values("contact_id")
        .annotate(**_direction_counts())
        .order_by(
            F("gives") - F("received") - F("asks"), "-asks", Lower("contact__name"), "contact_id"
        )
    )
    if limit is not None:
        per_contact = per_contact[:limit]
    per_contact = list(per_contact)
    contacts = Contact.objects.in_bulk([row["contact_id"] for row in per_contact])
    rows = [
        BalanceRow(contacts[row["contact_id"]], row["gives"], row["received"], row["asks"])
        for row in per_contact
    ]
    return Balance(
        gives=totals["gives"], received=totals["received"], asks=totals["asks"], rows=rows
    )
