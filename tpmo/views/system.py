"""Endpoints for browsers and load balancers rather than people."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from tpmo.security import end_sessions, log_forbidden, logger


@login_not_required
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: logged as a security event, then the usual page."""
    log_forbidden(request, str(exception or ""))
    return render(request, "403.html", {"reason": exception}, status=403)


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, which also ends the user's other sessions at once."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        ended = end_sessions(self.request.user, keep=self.request.session.session_key)
        logger.info(
            "password changed user=%s other sessions ended=%s",
            self.request.user.get_username(),
            ended,
        )
        return response
