"""Signatures on apprenticeship documents (progress reviews, gateway declarations): who, when, and what.

A signature is the signed-in person, the time, and the SHA-256 of the document's content as it stood when
they signed. The content is a plain mapping the document builds of its own fields (`signed_content()`);
its hash is taken over canonical JSON (sorted keys, no spaces), so the same content always hashes the
same and any change to it changes the hash. A signature whose hash no longer matches the document is
void: the document was changed after it was signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Party(models.TextChoices):
    """The three parties who sign an apprentice's review or gateway declaration."""

    CANDIDATE = "candidate", _("Apprentice")
    EMPLOYER = "employer", _("Employer")
    PROVIDER = "provider", _("Training provider")


def content_hash(content: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of `content` as canonical JSON: what a signature pins."""
    canonical = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
