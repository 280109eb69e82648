"""Test settings: the real settings with DEBUG's development defaults and a fast password hasher."""

import os

os.environ.setdefault("DEBUG", "1")

from tpmo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
