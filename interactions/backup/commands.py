"""What the `export_data` and `restore_data` commands share."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def account_named(username: str):
    """The user a command acts for; a CommandError that names them when there is none."""
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None
