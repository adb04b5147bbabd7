"""Content-addressed blob storage: a small interface and a local-disk implementation."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import BinaryIO, Protocol, runtime_checkable

_KEY_RE = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,5}")
_EXT_RE = re.compile(r"[a-z0-9]{1,5}")


@runtime_checkable
class Storage(Protocol):
    """Where uploaded media lives; keys are '<sha256 hex>.<ext>' so equal bytes share one key."""

    def put(self, data: bytes, ext: str) -> str:
        """Store bytes (idempotently) and return their key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored blob for binary reading."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a blob with this key is stored."""
        ...

    def delete(self, key: str) -> None:
        """Remove a blob; a missing blob is not an error."""
        ...

    def size(self, key: str) -> int:
        """Size of a stored blob in bytes."""
        ...

    def local_path(self, key: str) -> str | None:
        """A filesystem path to the blob if the backend has one (for X-Sendfile or ffmpeg), else None."""
        ...


def make_key(data: bytes, ext: str) -> str:
    """The content-addressed key for these bytes and extension ('jpg' or '.jpg')."""
    return f"{hashlib.sha256(data).hexdigest()}.{normalize_ext(ext)}"


def normalize_ext(ext: str) -> str:
    """Lower-case an extension without its dot, rejecting anything but 1-5 letters/digits."""
    clean = ext.lower().removeprefix(".")
    if not _EXT_RE.fullmatch(clean):
        raise ValueError(f"invalid file extension: {ext!r}")
    return clean


def validate_key(key: str) -> str:
    """Return the key if it is well formed, else raise ValueError (guards against path traversal)."""
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalStorage:
    """Blobs as files under root, sharded as ab/cd/<sha256>.<ext>, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Use (and create if needed) the given root directory."""
        self.root = os.path.abspath(os.fspath(root))
        os.makedirs(self.root, exist_ok=True)

    def _path(self, key: str) -> str:
        """The file path for a validated key."""
        validate_key(key)
        return os.path.join(self.root, key[0:2], key[2:4], key)

    def put(self, data: bytes, ext: str) -> str:
        """Store bytes under their content key; a second put of the same bytes is a no-op."""
        key = make_key(data, ext)
        path = self._path(key)
        if os.path.exists(path):
            return key
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        """Open a stored blob for reading; FileNotFoundError if absent."""
        return open(self._path(key), "rb")

    def exists(self, key: str) -> bool:
        """Whether the blob is stored."""
        return os.path.isfile(self._path(key))

    def delete(self, key: str) -> None:
        """Remove the blob if present."""
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            pass

    def size(self, key: str) -> int:
        """Size in bytes; FileNotFoundError if absent."""
        return os.path.getsize(self._path(key))

    def local_path(self, key: str) -> str | None:
        """The absolute file path of the blob (None if it is not stored)."""
        path = self._path(key)
        return path if os.path.isfile(path) else None
