"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import (
    Circle,
    Contact,
    ContactEmail,
    Discipline,
    Event,
    ImportantDate,
    Profile,
    Tag,
    Tier,
)
from interactions.models import FollowUp, FollowUpReason, Interaction, Mentorship, Support


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("owner",)

    owner = factory.SubFactory(UserFactory)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("owner", "name")

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    # Plain sequences, not Faker: a random company such as "Adams Group" would match a search
    # for "ada" and make search tests flaky.
    name = factory.Sequence(lambda n: f"Person {n:04d}")
    company = factory.Sequence(lambda n: f"Company {n:04d}")
    title = "Engineering Manager"
    # Sorted people, as most tests want them; unsorted ones pass circle="" etc.
    circle = Circle.INDUSTRY_PEER
    discipline = Discipline.ENGINEERING
    tier = Tier.NETWORK


class ContactEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactEmail

    contact = factory.SubFactory(ContactFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"DevConf {n}")
    starts_on = factory.LazyFunction(timezone.localdate)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    summary = "Coffee chat"

    @factory.post_generation
    def contacts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.contacts.set(extracted)


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    description = "Reviewed their design doc"


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    owner = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    goals = "Grow into a staff role"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    reason = FollowUpReason.MANUAL
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    source_key = factory.Sequence(lambda n: f"manual:{n}")


class ImportantDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportantDate

    contact = factory.SubFactory(ContactFactory)
    owner = factory.SelfAttribute("contact.owner")
    month = 4
    day = 12
