from django.apps import AppConfig


def refresh_schedules(sender, contact_ids, **kwargs) -> None:
    """contacts.signals.schedule_changed: the follow-up engine recomputes these contacts."""
    from . import followups

    followups.refresh_contact_schedule(contact_ids)


def contacts_back(sender, owner_id, contact_ids, **kwargs) -> None:
    """contacts.signals.contacts_restored: their schedule and strength, from what is there now."""
    from . import services

    services.contacts_touched(owner_id, contact_ids)


def follow_merge(sender, survivor_id, other_id, **kwargs) -> None:
    """contacts.signals.contact_merged: the follow-up engine takes over the merged contact's keys."""
    from . import followups

    followups.on_contacts_merged(survivor_id, other_id)


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = "Interactions"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from contacts.models import Contact, Event, ImportantDate, Profile
        from contacts.signals import contact_merged, contacts_restored, schedule_changed

        from network_crm import fragment_cache
        from .models import FollowUp, Interaction, Mentorship, Support

        # Every row a cached fragment (network_crm/fragment_cache.py) shows belongs to one of
        # these; only a contact or the profile moves the contacts generation on as well.
        for models, forget in (
            ((Contact, Profile), fragment_cache.forget_cards),
            ((Event, ImportantDate, Interaction, Support, FollowUp, Mentorship),
             fragment_cache.forget_activity_cards),
        ):
            for model in models:
                label = model._meta.label_lower
                post_save.connect(forget, sender=model, dispatch_uid=f"dashboard-save-{label}")
                post_delete.connect(
                    forget, sender=model, dispatch_uid=f"dashboard-delete-{label}"
                )
        m2m_changed.connect(
            fragment_cache.forget_activity_cards, sender=Interaction.contacts.through,
            dispatch_uid="dashboard-contacts",
        )
        # The insights' rhythm keeps the weeks before last week until one of them changes.
        from .insights.activity import interaction_changed

        for signal in (post_save, post_delete):
            signal.connect(interaction_changed, sender=Interaction, dispatch_uid=f"rhythm-{signal}")

        # Undo of Done, Snooze and Dismiss, and of deletes (network_crm/undo.py).
        from network_crm import undo

        from . import undo as delete_undo
        from .followups import undo as follow_up_undo

        undo.register(follow_up_undo.KIND, follow_up_undo.put_back)
        for kind, after in delete_undo.KINDS.items():
            undo.register_delete(kind, after)

        # contacts asks for schedules to be recomputed without importing interactions.
        schedule_changed.connect(refresh_schedules, dispatch_uid="followups-schedule-changed")
        contact_merged.connect(follow_merge, dispatch_uid="followups-contact-merged")
        contacts_restored.connect(contacts_back, dispatch_uid="followups-contacts-restored")
