"""The content hash a signature pins (no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apprenticeships.signing import content_hash


def test_the_same_content_hashes_the_same_whatever_the_order_of_its_keys() -> None:
    assert content_hash({"a": 1, "b": "x"}) == content_hash({"b": "x", "a": 1})


def test_any_change_of_a_value_changes_the_hash() -> None:
    content = {"progress": "Good", "hours": Decimal("12.5"), "on": datetime.date(2026, 3, 1)}
    assert content_hash(content) != content_hash({**content, "progress": "Good."})
    assert content_hash(content) != content_hash({**content, "hours": Decimal("12.6")})
    assert content_hash(content) != content_hash({**content, "on": datetime.date(2026, 3, 2)})


def test_the_hash_is_sha256_hex() -> None:
    digest = content_hash({})
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
