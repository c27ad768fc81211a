from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .middleware import forget_time_zone, remember_time_zone
        from .models import Profile

        # The zone every page runs in is cached per user (middleware.user_time_zone).
        post_save.connect(remember_time_zone, sender=Profile, dispatch_uid="contacts.zone-save")
        post_delete.connect(forget_time_zone, sender=Profile, dispatch_uid="contacts.zone-delete")

        # Undo of the contacts list's bulk actions and of deletes (network_crm/undo.py).
        from network_crm import undo as undo_core

        from . import undo
        from .deleted import services as deleted

        undo_core.register(undo.KIND, undo.put_back)
        undo_core.register(deleted.KIND, deleted.put_back)
        undo_core.register_delete(undo.EVENT)
        undo_core.register_delete(undo.LINK)
