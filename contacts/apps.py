from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import remember_time_zone_on_login

        user_logged_in.connect(remember_time_zone_on_login, dispatch_uid="contacts.time_zone")
