"""Base serializers: every API payload goes through these checks before any service
or save sees it."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.scope import chantier_id_of, scoped
from chantiers.history import stamp
from chantiers.models import Membership

# A TextField has no length limit in the database; a request body does.
MAX_TEXT_LENGTH = 50_000
NUL_MESSAGE = _("Le caractère nul (\\x00) n'est pas accepté.")
READ_ONLY_MESSAGE = _("Ce champ est en lecture seule : il ne peut pas être modifié ici.")
UNKNOWN_MESSAGE = _("Champ inconnu.")
CREATE_ONLY_MESSAGE = _("Ce champ est fixé à la création : il ne peut plus changer.")
OTHER_CHANTIER_MESSAGE = _("Cet objet appartient à un autre chantier.")
NOT_MEMBER_MESSAGE = _("Cette personne n'a pas de rôle dans ce chantier.")
# Keys a browser form may add; never data.
IGNORED_KEYS = {"csrfmiddlewaretoken"}


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class OptionalURLField(serializers.CharField):
    """A URL or "" (a model URLField with blank=True), documented as such: an empty
    string is not a valid `format: uri`. (The URL check is not in `validators`, where
    the schema generator would turn it back into a plain `format: uri`.)"""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError:
                self.fail("invalid_url")
        return value

    default_error_messages = {"invalid_url": _("Saisissez une adresse web valide.")}


class ReadModelSerializer(serializers.ModelSerializer):
    """Base of read-only nested representations."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: OptionalURLField,
    }


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class StrictInputMixin:
    """Refuses, field by field, what a lenient serializer would drop or choke on:
    NUL bytes (PostgreSQL text cannot store them), unknown keys, and read-only fields
    sent with a value other than the one the object has (so that a staff member's
    `budget_planned` or a lead's `percent_complete` is refused, not silently ignored,
    while a GET → PUT round trip that echoes read-only values still works)."""

    read_only_hints: dict = {}
    # Writable when creating, fixed afterwards (e.g. the chantier an object belongs to).
    create_only: tuple = ()
    # Related fields that may point outside the user's chantiers (e.g. a transfer).
    unscoped: tuple = ()
    # User fields that may name someone without a role in the chantier (a new member).
    newcomers: tuple = ()

    def get_fields(self):
        """Related-field choices cut to the user's chantiers: another chantier's id is
        refused exactly like an id that does not exist."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        for name, field in fields.items():
            if name in self.unscoped:
                continue
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is not None:
                target.queryset = scoped(queryset, request.user)
        return fields

    def _current(self) -> dict:
        if self._current_repr is None:
            instance = getattr(self, "instance", None)
            self._current_repr = self.to_representation(instance) if instance else {}
        return self._current_repr

    def to_internal_value(self, data):
        self._current_repr = None
        if isinstance(data, Mapping):
            errors = {}
            for key, value in data.items():
                if _has_nul(key) or _has_nul(value):
                    errors[str(key).replace("\x00", "")] = [NUL_MESSAGE]
                    continue
                if key in IGNORED_KEYS:
                    continue
                field = self.fields.get(key)
                if field is None:
                    errors[key] = [UNKNOWN_MESSAGE]
                elif field.read_only:
                    current = self._current()
                    if key not in current or current[key] != value:
                        errors[key] = [self.read_only_hints.get(key, READ_ONLY_MESSAGE)]
                elif key in self.create_only and getattr(self, "instance", None) is not None:
                    if self._current().get(key) != value:
                        errors[key] = [CREATE_ONLY_MESSAGE]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class InputSerializer(StrictInputMixin, serializers.Serializer):
    """Body of an action endpoint (progress, score, disposition…): shape only, the
    service validates the rules."""


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    """Saves through the model's own validation (fields, check and unique constraints,
    clean()) so a bad value is a 400 with the constraint's message, never an
    IntegrityError; stamps the acting user and reason on the history row."""

    serializer_field_mapping = ReadModelSerializer.serializer_field_mapping

    change_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("Pourquoi ce changement ? (noté dans l'historique)"),
    )

    def get_unique_together_validators(self):
        # The model's own validation (full_clean in _save) checks unique constraints
        # and puts the message on the right field.
        return []

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and "max_length" not in kwargs:
            if not kwargs.get("read_only"):
                kwargs["max_length"] = MAX_TEXT_LENGTH
        return field_class, kwargs

    def validate(self, attrs):
        self._change_reason = attrs.pop("change_reason", "")
        return attrs

    def create(self, validated_data):
        return self._save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)

    def _save(self, instance):
        self.check_same_chantier(instance)
        stamp(instance, by=self.context["request"].user, reason=self._change_reason)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise _on_fields(exc, instance) from exc
        instance.save()
        return instance

    def check_same_chantier(self, instance) -> None:
        """Every object an object points to belongs to the same chantier (an axis, a
        plan, a meeting…), and every person it names has a role there."""
        own = chantier_id_of(instance)
        if own is None:
            return
        errors = {}
        for name in self.validated_data:
            field = instance._meta.get_field(name) if name != "change_reason" else None
            value = getattr(instance, name, None) if field is not None else None
            if value is None or not field.is_relation:
                continue
            if field.related_model is get_user_model():
                if (
                    name not in self.newcomers
                    and not value.is_superuser
                    and not Membership.objects.filter(user=value, chantier_id=own).exists()
                ):
                    errors[name] = [NOT_MEMBER_MESSAGE]
            elif chantier_id_of(value) not in (None, own):
                errors[name] = [OTHER_CHANTIER_MESSAGE]
        if errors:
            raise serializers.ValidationError(errors)


# Fields that say where an object lives rather than what it is: a uniqueness error
# "code already exists in this chantier" belongs on `code`, not on `chantier`.
CONTAINERS = {"chantier", "round", "action", "indicator", "meeting", "plan"}


def _on_fields(exc: DjangoValidationError, instance) -> DjangoValidationError:
    """Put a broken unique constraint's message on the field the user chose."""
    if not hasattr(exc, "error_dict") or NON_FIELD_ERRORS not in exc.error_dict:
        return exc
    by_message = {}
    for constraint in instance._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            fields = [f for f in constraint.fields if f not in CONTAINERS] or constraint.fields
            by_message[str(constraint.get_violation_error_message())] = fields[-1]
    errors = {k: v for k, v in exc.error_dict.items() if k != NON_FIELD_ERRORS}
    for error in exc.error_dict[NON_FIELD_ERRORS]:
        message = error.message % error.params if error.params else error.message
        errors.setdefault(by_message.get(str(message), NON_FIELD_ERRORS), []).append(error)
    return DjangoValidationError(errors)


class UserBriefSerializer(ReadModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """The one shape of every API error (documented on every operation)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    user = UserBriefSerializer(allow_null=True)
    reason = serializers.CharField()
    kind = serializers.ChoiceField(choices=["+", "~", "-"])
    kind_label = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)
