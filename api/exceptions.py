"""One error path for the API (STYLE §7): every error leaves as the same JSON shape,
in the request's language:

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["…"]}}

Domain services raise django.core.exceptions.ValidationError; the concurrency guard
raises StaleObjectError; both arrive here and nowhere else."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from chantiers.models import StaleObjectError


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = _(
        "En-tête If-Match manquant : envoyez l'ETag reçu à la lecture de l'objet "
        "pour que personne ne perde ses modifications."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = _(
        "Cet objet a été modifié depuis votre lecture (ETag périmé). Rien n'a été "
        "enregistré : relisez-le, puis refaites vos changements."
    )


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _("Cette opération entre en conflit avec l'état actuel des données.")


class FieldPermissionDenied(exceptions.PermissionDenied):
    """403 naming the fields the user's role may read but not write."""

    def __init__(self, detail, fields: dict):
        super().__init__(detail)
        self.fields = fields


def _flatten(data, prefix="") -> dict[str, list[str]]:
    """DRF error details → {"field": ["message", …]}; nested fields as "a.b"."""
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
        return out
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {prefix or "non_field_errors": [str(item) for item in data]}
        out = {}
        for index, item in enumerate(data):
            name = f"{prefix}.{index}" if prefix else str(index)
            for k, v in _flatten(item, name).items():
                out.setdefault(k, []).extend(v)
        return out
    return {prefix or "non_field_errors": [str(data)]}


def _translate(exc):
    if isinstance(exc, DjangoValidationError):
        detail = as_serializer_error(exc)
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return exceptions.ValidationError(detail)
    if isinstance(exc, StaleObjectError):
        return PreconditionFailed()
    if isinstance(exc, ProtectedError | RestrictedError):
        return Conflict(
            _("Impossible de supprimer : d'autres données s'y rattachent (%(objs)s).")
            % {"objs": ", ".join(sorted({str(o) for o in list(exc.args[1])[:5]}))}
        )
    if isinstance(exc, IntegrityError):
        # Validation catches constraints first; this is the race between two writers.
        return Conflict()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(_("Requête refusée : trop grande ou mal formée."))
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Introuvable."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(
            str(exc) or _("Votre rôle ne permet pas cette opération.")
        )
    return exc


def exception_handler(exc, context):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body = {"status": response.status_code, "code": "error", "detail": ""}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(data)
        body["code"] = "invalid"
        first = next(iter(errors.values()))[0] if errors else ""
        body["detail"] = (
            first
            if list(errors) == ["non_field_errors"]
            else str(_("Les données envoyées sont invalides : voir le détail par champ."))
        )
        body["errors"] = errors
    else:
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            body["code"] = codes if isinstance(codes, str) else "error"
        body["detail"] = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
        if isinstance(exc, FieldPermissionDenied):
            body["errors"] = {k: [str(v)] for k, v in exc.fields.items()}
    response.data = body
    return response
