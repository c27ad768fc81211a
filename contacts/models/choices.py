"""The choices of the contacts' models, and the labels pages show for them."""

from django.db import models


class Circle(models.TextChoices):
    SAME_TEAM = "same_team", "Same team"
    SAME_COMPANY = "same_company", "Same company, other team"
    INDUSTRY_PEER = "industry_peer", "Industry peer"
    COMMUNITY = "community", "Community"
    OUTSIDE_TECH = "outside_tech", "Outside tech"


CIRCLE_LABELS = dict(Circle.choices)


class Discipline(models.TextChoices):
    ENGINEERING = "engineering", "Engineering"
    PRODUCT = "product", "Product"
    DESIGN = "design", "Design"
    DATA = "data", "Data"
    LEADERSHIP = "leadership", "Leadership"
    OPERATIONS = "operations", "Operations"
    SALES_MARKETING = "sales_marketing", "Sales & marketing"
    PEOPLE = "people", "People & recruiting"
    OTHER = "other", "Other"


DISCIPLINE_LABELS = dict(Discipline.choices)


class Tier(models.TextChoices):
    """How close a relationship is; each tier has a default cadence in the user's Profile."""

    CLOSE = "close", "Close"
    PEER = "peer", "Peer"
    NETWORK = "network", "Network"
    DORMANT = "dormant", "Dormant"


TIER_LABELS = dict(Tier.choices)
# What pages show for a blank circle, discipline or tier.
NOT_SET = "Not set"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    MEETUP = "meetup", "Meetup"
    INTERNAL = "internal", "Internal event"
    WORKSHOP = "workshop", "Workshop"
    ONLINE = "online", "Online event"
    OTHER = "other", "Other"


class ContactKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"


class LinkKind(models.TextChoices):
    INTRODUCED = "introduced", "I introduced them"
    COLLEAGUES = "colleagues", "Colleagues"
    MENTOR_OF = "mentor_of", "Mentor of"
    KNOWS = "knows", "Know each other"
