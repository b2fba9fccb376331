"""Production settings: `check --deploy` is clean with production variables, and a
missing secret stops the start-up loudly. Each case runs manage.py in a subprocess
with an environment built from scratch (no DJANGO_DEV, no test settings)."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean_env | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def test_check_deploy_passes_with_production_variables(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_start_without_secret_key_fails_loudly(tmp_path):
    result = run_manage(
        "check", ALLOWED_HOSTS="example.org", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}"
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set to at least "
        "50 random characters (or set DJANGO_DEV=1 for local development)."
    )


def test_start_with_short_secret_key_fails_loudly(tmp_path):
    result = run_manage(
        "check",
        SECRET_KEY="trop-court",
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr.splitlines()[-1]
