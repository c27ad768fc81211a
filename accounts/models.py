from django.db import models


class SecurityPolicy(models.Model):
    """The sign-in rules an administrator sets for the whole site (one row, edited in the admin)."""

    require_two_factor_for_staff = models.BooleanField(
        "require two-factor for staff",
        default=False,
        help_text=(
            "Staff members without an authenticator app or a passkey are sent to set one up "
            "before they can use anything else. Not applied when sign-in is single sign-on only: "
            "the identity provider decides then."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policy"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="security_policy_one_row")]

    def __str__(self):
        return "Sign-in policy"


class AppCodeUse(models.Model):
    """The last authenticator-app code accepted for a user: the time step it belongs to. A code
    is taken by a conditional UPDATE of this row (services.accept_app_code), so it signs in
    once, even from two browsers at the same moment, and the cache plays no part."""

    authenticator = models.OneToOneField(
        "mfa.Authenticator", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    time_step = models.BigIntegerField()
