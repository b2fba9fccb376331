"""Uploaded files kept between the dry run and the apply of the web import."""

import hashlib
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STASH_TTL_SECONDS = 24 * 3600


def stash_dir() -> Path:
    """Where uploads wait for their apply. With several app servers, point
    IMPORT_UPLOAD_DIR at a shared volume."""
    configured = getattr(settings, "IMPORT_UPLOAD_DIR", None)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "chantiers-imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def stash(data: bytes) -> str:
    """Keep `data` under a random token (the session remembers the token and the
    file's hash). Also removes stale uploads."""
    directory = stash_dir()
    cutoff = time.time() - STASH_TTL_SECONDS
    for old in directory.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    path = directory / f"{token}.upload"
    with open(path, "xb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return token


def unstash(token: str) -> bytes | None:
    if not TOKEN_RE.match(token or ""):
        return None
    try:
        return (stash_dir() / f"{token}.upload").read_bytes()
    except OSError:
        return None


def discard(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        try:
            (stash_dir() / f"{token}.upload").unlink()
        except OSError:
            pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
