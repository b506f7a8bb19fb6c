"""Agent passwords: salted scrypt hashes that verify the right password and nothing else."""

from __future__ import annotations

import pytest

from crm_store.passwords import hash_password, verify_password


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horse ", stored)
    assert not verify_password("", stored)


def test_the_same_password_gets_a_new_salt_each_time() -> None:
    assert hash_password("same") != hash_password("same")


@pytest.mark.parametrize(
    "stored", ["", "plain-text", "md5$abc", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$%%%$AAAA"]
)
def test_a_hash_that_cannot_be_read_verifies_nothing(stored: str) -> None:
    assert not verify_password("anything", stored)
