"""Checking the codes typed at the second sign-in step (writes: a code is used up by it)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare

from .models import AppCodeUse


def verify_code(user, code: str) -> Authenticator | None:
    """The authenticator of `user` that accepts `code`, using it up: a code from the
    authenticator app, or one of the recovery codes. None when neither does."""
    code = "".join(code.split())
    for authenticator in Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).order_by("type"):  # "recovery_codes" < "totp": either order is right, one is fixed
        if authenticator.type == Authenticator.Type.TOTP:
            if accept_app_code(authenticator, code):
                return authenticator
        else:
            with transaction.atomic():  # allauth locks the row to mark the code used
                if authenticator.wrap().validate_code(code):
                    return authenticator
    return None


def accept_app_code(authenticator: Authenticator, code: str) -> bool:
    """Whether `code` is the app's code for now and not used before (replaying a code seen over
    someone's shoulder fails, as does a second sign-in with the same code)."""
    secret = decrypt(authenticator.data["secret"])
    for step in yield_hotp_counters_from_time():
        if not constant_time_compare(code, format_hotp_value(hotp_value(secret, step))):
            continue
        if AppCodeUse.objects.filter(pk=authenticator.pk, time_step__lt=step).update(time_step=step):
            return True
        try:
            with transaction.atomic():
                AppCodeUse.objects.create(authenticator=authenticator, time_step=step)
        except IntegrityError:
            return False  # this step or a later one was used already
        return True
    return False
