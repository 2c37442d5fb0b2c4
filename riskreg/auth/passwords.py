"""Password hashing with Argon2id; the parameters are a named argon2-cffi profile (``configure``)."""

from __future__ import annotations

import functools
import secrets

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: argon2-cffi's recommended profile (RFC 9106, low memory). Tests use "CHEAPEST": the same code path with
#: parameters that take microseconds, so a login in a test does not cost 50 ms of CPU.
DEFAULT_PROFILE = "RFC_9106_LOW_MEMORY"

_hasher = PasswordHasher.from_parameters(getattr(argon2.profiles, DEFAULT_PROFILE))

MIN_LENGTH = 10


def configure(profile: str) -> None:
    """Hash new passwords with the named ``argon2.profiles`` profile (existing hashes keep verifying)."""
    global _hasher
    parameters = getattr(argon2.profiles, profile, None)
    if not isinstance(parameters, argon2.Parameters):
        raise ValueError(f"unknown argon2 profile {profile!r}")
    _hasher = PasswordHasher.from_parameters(parameters)
    _dummy_hash.cache_clear()


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password")


def verify_nothing(password: str) -> None:
    """Spend the time a verification takes, for an unknown account, so both paths take the same time."""
    verify_password(_dummy_hash(), password)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    return secrets.token_urlsafe(12)
