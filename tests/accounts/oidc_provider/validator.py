from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """The claims a company identity provider sends: email (verified or not), username, name."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.username not in settings.UNVERIFIED_USERS,
            "preferred_username": user.username,
            "name": user.get_full_name() or user.username,
        }
