"""ETag / If-Match for optimistic concurrency.

Versioned models (chantiers.models.VersionedModel) carry their `version` in the ETag;
the saved UPDATE itself checks it, so two writers holding the same ETag cannot both
win (the loser gets StaleObjectError → 412). Models without a version use the id of
their latest history row, checked under a row lock."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from api.exceptions import PreconditionFailed, PreconditionRequired
from chantiers.models import VersionedModel


def latest_history_id(instance: models.Model) -> int:
    return (
        instance.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0
    )


def etag_for(instance: models.Model) -> str:
    name = instance._meta.model_name
    if isinstance(instance, VersionedModel):
        return f'"{name}-{instance.pk}-v{instance.version}"'
    return f'"{name}-{instance.pk}-h{latest_history_id(instance)}"'


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def check_if_match(request, instance: models.Model, *, required: bool = True) -> None:
    """Refuse the write unless If-Match names the object as it is now (428 when absent
    and required, 412 when stale). For a versioned model the instance keeps the
    version the client read, so a concurrent save in between still loses in the UPDATE.
    Call inside the write's transaction, after locking the row for unversioned models."""
    header = request.headers.get("If-Match", "")
    if not header.strip():
        if required:
            raise PreconditionRequired()
        return
    if header.strip() == "*":
        if not required:
            return  # "any version": the same as no condition
        raise PreconditionRequired(
            _("If-Match: * ne protège de rien : envoyez l'ETag reçu à la lecture de l'objet.")
        )
    if etag_for(instance) not in _tags(header):
        raise PreconditionFailed()


def lock(instance: models.Model) -> None:
    """Row lock until the end of the transaction (PostgreSQL; SQLite serialises writes)."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list(
        "pk", flat=True
    ).first()
