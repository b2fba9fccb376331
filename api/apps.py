from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API's shared plumbing (errors, pagination, concurrency, schema, tokens).
    Each app's endpoints live in its own `api.py` and `serializers.py`."""

    name = "api"
    verbose_name = _("API")
