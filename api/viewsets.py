"""The base of every API endpoint: scope, permissions, ETag/If-Match, history.

Per-app viewsets (`<app>/api.py`) declare their queryset, serializer, filters and, when
DESIGN §5 says so, a different permission rule; the flow is here, once."""

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.concurrency import check_if_match, etag_for, lock
from api.exceptions import FieldPermissionDenied, PreconditionFailed
from api.pagination import LimitOffsetPagination
from api.scope import chantier_id_of, scoped
from api.serializers import NUL_MESSAGE, HistoryEntrySerializer
from chantiers.history import object_timeline
from chantiers.models import Membership, VersionedModel
from chantiers.permissions import can_edit, is_admin, roles_by_chantier

MAX_ID = 2**63 - 1

IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_("Facultatif : ETag de l'objet ; s'il est périmé, rien n'est fait (412)."),
)

DENIED = _("Votre rôle dans ce chantier ne permet pas cette opération.")


def location_of(basename: str, instance, lookup_field: str = "pk") -> str:
    """The URL of a created object (the Location header of a 201)."""
    return reverse(f"api:{basename}-detail", args=[getattr(instance, lookup_field)])


def leads_somewhere(user) -> bool:
    return is_admin(user) or Membership.Role.LEAD in roles_by_chantier(user).values()


class ScopedViewSet(viewsets.GenericViewSet):
    """Read side: querysets cut to the user's chantiers, so another chantier's object is
    a 404 and is absent from lists; object responses carry an ETag; a query string
    with a NUL byte is a 400 (it would break PostgreSQL)."""

    # Token first, so that a request without credentials gets 401 + WWW-Authenticate.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = LimitOffsetPagination

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return scoped(self.base_queryset(), self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise ValidationError({key.replace("\x00", ""): [NUL_MESSAGE]})

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if self.lookup_field == "pk" and not (
            value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID
        ):
            raise Http404
        return super().get_object()

    def object_response(self, instance, status=200):
        """The object as the API shows it (re-read with its annotations) and its ETag."""
        instance = self.get_queryset().get(pk=instance.pk)
        # The resource's own serializer, not an action's input serializer.
        serializer = type(self).serializer_class(instance, context=self.get_serializer_context())
        headers = {"ETag": etag_for(instance)}
        if status == 201:
            headers["Location"] = location_of(self.basename, instance, self.lookup_field)
        return Response(serializer.data, status=status, headers=headers)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Who changed what, from what to what, when and why (newest first)."""
        entries = object_timeline(self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    def require(self, allowed: bool, message=DENIED) -> None:
        if not allowed:
            raise PermissionDenied(message)

    def check_if_match(self, instance, *, required: bool = True) -> None:
        if not isinstance(instance, VersionedModel):
            lock(instance)
        check_if_match(self.request, instance, required=required)


class ScopedModelViewSet(ScopedViewSet):
    """Read and write. Writes: the role check (403) comes before If-Match (428/412),
    which comes before validation (400); the write and its history row commit together
    or not at all. Default rule (DESIGN §5): the chantier's lead or an admin."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    denied_message = DENIED

    # --- permission rules (override per resource) ---------------------------------
    def can_create_somewhere(self, user) -> bool:
        """Cheap pre-check before validating a body: may this user create this kind of
        object in at least one chantier?"""
        return leads_somewhere(user)

    def can_create(self, user, chantier_id) -> bool:
        return can_edit(user, chantier_id)

    def can_update(self, user, instance) -> bool:
        return can_edit(user, chantier_id_of(instance))

    def can_destroy(self, user, instance) -> bool:
        return self.can_update(user, instance)

    # --- write hooks (override to call a domain service) ----------------------------
    def perform_create(self, serializer):
        return serializer.save()

    def perform_update(self, serializer):
        return serializer.save()

    def perform_destroy(self, instance):
        from chantiers.history import stamp

        stamp(instance, by=self.request.user)
        instance.delete()

    # --- flow -----------------------------------------------------------------------
    def create(self, request, *args, **kwargs):
        self.require(self.can_create_somewhere(request.user), self.denied_message)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.require(
            self.can_create(request.user, self.chantier_id_for_new(serializer)),
            self.denied_message,
        )
        with transaction.atomic():
            instance = self.perform_create(serializer)
        return self.object_response(instance, status=201)

    def chantier_id_for_new(self, serializer):
        data = serializer.validated_data
        model = serializer.Meta.model
        probe = model(**{k: v for k, v in data.items() if k in _concrete(model)})
        return chantier_id_of(probe)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        self.check_update_allowed(instance, request.data)
        with transaction.atomic():
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_update(serializer)
        return self.object_response(instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def check_update_allowed(self, instance, data) -> None:
        if self.can_update(self.request.user, instance):
            return
        fields = data if isinstance(data, dict) else {}
        raise FieldPermissionDenied(
            self.denied_message,
            {str(key): self.denied_message for key in fields if key != "change_reason"},
        )

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.require(self.can_destroy(request.user, instance), self.denied_message)
        with transaction.atomic():
            self.check_if_match(instance)
            if isinstance(instance, VersionedModel):
                # The version must still be the one the client saw when the row goes.
                still = (
                    type(instance)
                    ._default_manager.select_for_update()
                    .filter(pk=instance.pk, version=instance.version)
                    .exists()
                )
                if not still:
                    raise PreconditionFailed()
            self.perform_destroy(instance)
        return Response(status=204)


def _concrete(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}
