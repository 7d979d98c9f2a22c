"""The hashes a package records of its files, and their checks.

Each table's ``hash`` is recorded on its resource; every other file the package's meaning depends
on (each Table Schema, the shared field definitions, ``CITATION.cff``) has its hash in the
descriptor's ``fileHashes``; each source text has its sha256 in the ``sources`` table, itself a
hashed table. ``scripts/build.py`` refreshes them all; loading verifies a table and its schema
before parsing them, and validation verifies every one.

>>> file_hash("sha256:" + "0" * 64, b"")[0]
'sha256'
"""

from __future__ import annotations

import hashlib

from painimmune.errors import DataError
from painimmune.package.structure import check_hash


def sha256(data: bytes) -> str:
    """``sha256:<hex digest>`` of *data*, as the build records it."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_hash(recorded: str, data: bytes) -> tuple[str, str, str]:
    """The algorithm and digest of a Data Package ``hash`` (``sha256:<hex>``; a bare digest is MD5),
    and the digest of *data* by that algorithm.

    Raises:
        DataError: *recorded* is not md5, sha1, sha256 or sha512 with a digest of its length.
    """
    algorithm, digest = parse_hash(recorded)
    return algorithm, digest, hashlib.new(algorithm, data).hexdigest()


def parse_hash(recorded: str) -> tuple[str, str]:
    """The algorithm and (lower-case) digest of a Data Package ``hash`` (a bare digest is MD5).

    Raises:
        DataError: *recorded* is not md5, sha1, sha256 or sha512 with a digest of its length.
    """
    fault = check_hash(recorded)
    if fault:
        raise DataError(fault)
    algorithm, _, digest = recorded.rpartition(":")
    return algorithm or "md5", digest.lower()


def algorithm_of(recorded: object) -> str | None:
    """The algorithm of a Data Package ``hash`` (a bare digest is MD5), or None when it is not a
    well-formed hash (see :func:`file_hash`)."""
    if not isinstance(recorded, str) or check_hash(recorded):
        return None
    return parse_hash(recorded)[0]


def mismatch(recorded: str, data: bytes) -> str | None:
    """Why *data* does not match the hash *recorded* (None when it does)."""
    try:
        algorithm, digest, found = file_hash(recorded, data)
    except DataError as exc:
        return str(exc)
    if found != digest:
        return f"the {algorithm} hash is {found[:12]}..., not the recorded {digest[:12]}..."
    return None
