"""Sessions and security events.

* ``SessionTimeoutMiddleware`` signs a user out after ``SESSION_IDLE_MINUTES`` without a request
  and ``SESSION_MAX_HOURS`` after signing in, whatever happens; the "last seen" time is written at
  most once a minute, so reading pages does not write the session on every request.
* Signing out ends every session of the user (on every device); changing the password ends the
  others (Django's session hash) and keeps the current one.
* ``NoStoreMiddleware``: pages for a signed-in user are never stored by a browser or a proxy.
* Security events go to the ``tpmo.security`` logger: sign-in, failed sign-in (the username only,
  never a password), lockout, 403, admin changes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from tpmo.models import UserSession

logger = logging.getLogger("tpmo.security")

STARTED = "tpmo_started"  # when the user signed in (epoch seconds)
SEEN = "tpmo_seen"  # the last request, to the minute
SEEN_RESOLUTION = 60


def _client(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                username = user.get_username()
                logout(request)
                logger.info(
                    "session expired (%s) user=%s ip=%s", expired, username, _client(request)
                )
                messages.info(request, "Your session expired; please sign in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> str:
        """ "idle" or "lifetime" when the session is over; otherwise note the request."""
        now = time.time()
        session = request.session
        started = session.setdefault(STARTED, now)
        seen = session.get(SEEN, started)
        if now - started > settings.SESSION_MAX_HOURS * 3600:
            return "lifetime"
        if now - seen > settings.SESSION_IDLE_MINUTES * 60:
            return "idle"
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN] = now
        return ""


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now
        if request.session.session_key is None:
            request.session.save()
        UserSession.objects.get_or_create(
            session_key=request.session.session_key, defaults={"user": user}
        )
    logger.info("signed in user=%s ip=%s", user.get_username(), _client(request))


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signing out ends every session of the user, on every device."""
    if user is None:
        return
    end_sessions(user)
    logger.info("signed out user=%s ip=%s", user.get_username(), _client(request))


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """Delete the user's sessions (all, or all but ``keep``); returns how many."""
    held = UserSession.objects.filter(user=user)
    if keep:
        held = held.exclude(session_key=keep)
    keys = list(held.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    held.delete()
    return len(keys)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username: Django masks the password in ``credentials``, and it is never logged.
    logger.warning(
        "sign-in failed user=%s ip=%s", credentials.get("username", "?"), _client(request)
    )


def _locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kw: Any
) -> None:
    logger.warning("locked out user=%s ip=%s", username, ip_address)


def connect_lockout_signal() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="tpmo-security-lockout")


def log_admin_change(request: HttpRequest, verb: str, objects: list[Any]) -> None:
    for obj in objects:
        logger.info(
            "admin %s user=%s object=%s:%s ip=%s",
            verb,
            request.user.get_username(),
            obj._meta.model_name,
            obj.pk,
            _client(request),
        )


def log_forbidden(request: HttpRequest, reason: str) -> None:
    user = getattr(request, "user", None)
    logger.warning(
        "403 user=%s path=%s ip=%s reason=%s",
        user.get_username() if user is not None and user.is_authenticated else "anonymous",
        request.path,
        _client(request),
        reason,
    )


def log_token_change(request: HttpRequest, verb: str, token: Any) -> None:
    """An API token created or revoked (its name and prefix, never the secret)."""
    logger.info(
        "api token %s user=%s token=%s ip=%s",
        verb,
        request.user.get_username(),
        token,
        _client(request),
    )
