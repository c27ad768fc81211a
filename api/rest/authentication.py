"""`Authorization: Bearer <personal access token>`; failed attempts count per client."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from ..clients import blocked_for, record_failure
from ..tokens import find_access_token


class AccessTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None  # the session (with CSRF) may still sign the request in
        wait = blocked_for(request._request)
        if wait:
            raise Throttled(wait, detail="Too many failed sign-in attempts from this address.")
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as `Authorization: Bearer <token>`.")
        try:
            token = find_access_token(parts[1].decode("ascii"))
        except UnicodeDecodeError:
            token = None
        if token is None:
            record_failure(request._request)
            raise AuthenticationFailed("The access token is unknown, revoked or expired.")
        return token.owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="network_crm API"'
