"""Password hashes for agent users: salted scrypt from the standard library, never plain text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# scrypt cost: ~50 ms per hash here, 16 MiB of memory (OWASP's minimum is N=2**17 with r=8 for
# new systems; raise N when the console's login rate allows it — the parameters are in the hash).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_SCHEME = "scrypt"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """ "scrypt$N$r$p$salt$hash" with a random 16-byte salt."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches; False for a wrong password or a hash we cannot read."""
    try:
        scheme, n, r, p, salt, digest = password_hash.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
