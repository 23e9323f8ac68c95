"""Request rates per API token (per user for the browser's session).

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``api`` for every request,
``api_import`` for batch imports), read on each request so a settings override takes
effect. Counts live in Django's cache (see CACHES in the settings).
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """``scope`` requests per period for each token; a view may name its own
    ``throttle_scope`` (counted apart)."""

    scope = "api"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.scope = getattr(view, "throttle_scope", None) or type(self).scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # refused before throttling (401)
        token = getattr(request.auth, "pk", None)
        ident = f"token-{token}" if token is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
