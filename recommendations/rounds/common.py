"""Helpers shared by the round views: number formats, scoping, error answers."""

import json
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.formats import get_format

from recommendations.models import (
    PrioritisationRound,
)
from recommendations.queries import (
    round_for_chantier,
)

# ---------------------------------------------------------------------------
# Display helpers: the page and the JSON answers format numbers the same way.


def fmt_score(score: Decimal | None) -> str:
    """75.5 → "75,50" in French: two decimals, as stored and as in the minutes."""
    if score is None:
        return "—"
    return f"{score:.2f}".replace(".", get_format("DECIMAL_SEPARATOR"))


def fmt_mean(mean: Decimal | None) -> str:
    """A mean of 1–5 scores: 4 → "4", 3.5 → "3,5", 11/3 → "3,67"."""
    if mean is None:
        return "—"
    return _fmt_mean(f"{mean:.2f}", get_format("DECIMAL_SEPARATOR"))


@lru_cache(maxsize=512)
def _fmt_mean(two_places: str, separator: str) -> str:
    # Thousands of cells share a few dozen distinct means: format each once.
    return two_places.rstrip("0").rstrip(".").replace(".", separator)


def display_name(user) -> str:
    return user.get_full_name() or user.username


def get_round(chantier, pk) -> PrioritisationRound:
    rnd = round_for_chantier(chantier, pk)
    if rnd is None:
        raise Http404
    return rnd


def json_error(message: str, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def json_body(request) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def form_error_text(form) -> str:
    return " ".join(
        f"{form.fields[name].label or name} : {' '.join(errors)}"
        if name in form.fields and name != "__all__"
        else " ".join(errors)
        for name, errors in form.errors.items()
    )
