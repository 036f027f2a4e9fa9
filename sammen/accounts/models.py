from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A login. What the person may see comes from the roster (Staff, Guardian), not from here.

    ``is_staff``/``is_superuser`` are Django's admin flags and are not used by Sammen's policy.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
