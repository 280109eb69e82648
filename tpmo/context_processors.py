from django.http import HttpRequest

from tpmo.roles import role_of


def role(request: HttpRequest) -> dict[str, object]:
    """Expose the signed-in user's role to every template (navigation depends on it)."""
    return {"user_role": role_of(getattr(request, "user", None))}
