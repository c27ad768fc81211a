"""Who may do what: a signed-in user on their own rows; a read-only token only reads."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ..models import AccessToken


class TokenScope(BasePermission):
    message = "This access token is read-only: create a read/write token in Settings to write."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth if isinstance(request.auth, AccessToken) else None
        return token is None or request.method in SAFE_METHODS or token.can_write
