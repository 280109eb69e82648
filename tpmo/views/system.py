"""Endpoints for browsers and load balancers rather than people."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error

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


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: logged as a security event, then the usual page (JSON under /api/)."""
    log_forbidden(request, str(exception or ""))
    if _wants_json(request):
        return JsonResponse({"detail": "You may not do this."}, status=403)
    return render(request, "403.html", {"reason": exception}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the usual page, or JSON under /api/ (an address no route matches)."""
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (an unreadable request: too many fields, a body too large …), JSON under /api/."""
    if _wants_json(request):
        return JsonResponse({"detail": "The request cannot be read."}, status=400)
    return django_bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return django_server_error(request)


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
