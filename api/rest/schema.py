"""OpenAPI: every operation documents the JSON errors it can answer, so a client (and the
schemathesis run in CI) knows their shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .errors import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> list[int]:
        codes = [401, 403, 404, 429]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append(400)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append(415)
        return codes

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code in self._error_codes():
            bodies.setdefault(str(code), self._get_response_for_code(ErrorSerializer, str(code)))
        return bodies


class AccessTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Bearer <personal access token>` (registered on import)."""

    target_class = "api.rest.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from Settings → API tokens and webhooks.",
        }
