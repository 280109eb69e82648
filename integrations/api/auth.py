"""Who calls the API: a personal token (``Authorization: Bearer tpmo_…``) or the browser session;
and what a role may do through it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from integrations.models import TOKEN_PREFIX, ApiToken, token_digest
from tpmo.roles import Role, role_of

EDITORS = {Role.ADMIN, Role.DIRECTOR, Role.TPM}
TOUCH_EVERY = timedelta(minutes=5)  # how often "last used" is written (not on every request)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(
                "Give the token as 'Authorization: Bearer tpmo_…'."
            )
        token = (
            ApiToken.objects.select_related("user").filter(digest=token_digest(header[1])).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is unknown or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class RoleAccess(permissions.BasePermission):
    """Every role reads; TPMs, directors and admins write (on the programs they may change, which
    the views check per record). Users without a role get nothing."""

    message = "Your account holds no TPMO role."

    def has_permission(self, request: Request, view: Any) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        self.message = "Your role does not let you change records."
        return role in EDITORS


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token (drf-spectacular finds it by subclassing)."""

    target_class = "integrations.api.auth.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (tpmo_…), created on your account's API page.",
        }
