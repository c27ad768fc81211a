from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and security"

    def ready(self):
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from . import selectors
        from .models import SecurityPolicy

        # The staff rule is read on every staff request; it is cached until the admin saves it.
        post_save.connect(selectors.forget_policy, sender=SecurityPolicy, dispatch_uid="accounts.policy")
        post_delete.connect(selectors.forget_policy, sender=SecurityPolicy, dispatch_uid="accounts.policy-del")
        # Whether a user has two-factor is cached the same way, until a key or app changes
        # (in Settings or in the admin).
        post_save.connect(selectors.forget_two_factor, sender=Authenticator, dispatch_uid="accounts.2fa")
        post_delete.connect(selectors.forget_two_factor, sender=Authenticator, dispatch_uid="accounts.2fa-del")
