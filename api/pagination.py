from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

# Beyond this an offset is a typo or a probe: no list here comes close.
MAX_OFFSET = 1_000_000


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination, except that a bad `limit` or `offset` (0, negative,
    absurd, not a number) is refused with a 400 instead of silently replaced."""

    default_limit = 50
    max_limit = 200

    def _read(self, request, name: str, *, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if value is None or not low <= value <= high:
            raise ValidationError(
                {name: [_("Entier de %(low)d à %(high)d attendu.") % {"low": low, "high": high}]}
            )
        return value

    def get_limit(self, request):
        return self._read(
            request, self.limit_query_param, low=1, high=self.max_limit, default=self.default_limit
        )

    def get_offset(self, request):
        return self._read(request, self.offset_query_param, low=0, high=MAX_OFFSET, default=0)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for param in params:
            param["schema"] = {**param["schema"], **bounds.get(param["name"], {})}
        return params
