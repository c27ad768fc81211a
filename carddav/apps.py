from django.apps import AppConfig


class CarddavConfig(AppConfig):
    """CardDAV (RFC 6352, with RFC 6578 sync): each user's contacts as an address book that
    phones sync both ways, signed in with app passwords. Above contacts; nothing imports it."""

    name = "carddav"
    verbose_name = "CardDAV"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from contacts.models import Contact, ContactEmail, ContactPhone

        from . import sync

        # Bookkeeping only (no domain logic): a card's content comes from its contact's emails,
        # phones and tags too, which do not touch Contact.updated_at. These receivers mark the
        # card stale in carddav's own table; the next DAV request gives it a new revision.
        for model in (ContactEmail, ContactPhone):
            label = model._meta.label_lower
            post_save.connect(sync.child_changed, sender=model, dispatch_uid=f"carddav-{label}")
            post_delete.connect(sync.child_changed, sender=model, dispatch_uid=f"carddav-d-{label}")
        m2m_changed.connect(
            sync.tags_changed, sender=Contact.tags.through, dispatch_uid="carddav-tags"
        )
