"""Personal API tokens as a DRF authentication class: ``Authorization: Bearer <key>``.

The token acts as its user, with the user's own roles and scope. Its
``authenticate_header`` makes DRF answer a request without credentials 401 (with
``WWW-Authenticate: Bearer``), not 403.
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from targets.domain.models import ApiToken

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A personal API token (``targets.domain.models.ApiToken``) in the Authorization header.
    One query (the token and its user); a write of its last use at most once a minute."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Tiêu đề Authorization phải có dạng “Bearer <khóa>”.")
            )
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw_key = ""
        token = ApiToken.find(raw_key) if raw_key else None
        if token is None:
            raise exceptions.AuthenticationFailed(_("Khóa API không đúng hoặc đã bị thu hồi."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Tài khoản của khóa API này đã bị khóa."))
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, as an HTTP bearer scheme."""

    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token created in the admin (Khóa API).",
        }
