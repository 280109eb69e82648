"""Records of the integrations themselves: uploaded import files and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "tpmo_"  # noqa: S105 (a marker that makes leaked tokens recognisable, no secret)


class ImportBatch(models.Model):
    """An uploaded file on its way through mapping and dry run to being applied (or not).

    The file is kept in the database so that every worker sees it between the steps; applied and
    abandoned batches lose their content after ``KEEP_DAYS``, the summary stays.
    """

    KEEP_DAYS = 7

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    kind = models.CharField(max_length=20)
    preset = models.CharField(max_length=20, blank=True)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    encoding = models.CharField(max_length=10, default="auto")
    delimiter = models.CharField(max_length=10, default="auto")
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.filename} ({self.kind})"

    @classmethod
    def forget_old(cls) -> None:
        """Drop the content of batches older than ``KEEP_DAYS``."""
        cutoff = timezone.now() - timedelta(days=cls.KEEP_DAYS)
        cls.objects.filter(created_at__lt=cutoff).exclude(content=b"").update(content=b"")


def token_digest(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 suffices to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token: shown once when created, stored only as its digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, help_text="What it is for, e.g. 'Power BI refresh'.")
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: object, name: str) -> tuple[ApiToken, str]:
        """A new token for ``user``: the record, and the secret (which is not kept)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(secret),
        )
        return token, secret
