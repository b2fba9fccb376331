"""Every operation documents the errors it can answer, all with the one Error shape
(api.exceptions), so that clients and schemathesis's status-code conformance check
know what to expect."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "detail"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _if_match() -> dict:
    return {
        "in": "header",
        "name": "If-Match",
        "required": True,
        "schema": {"type": "string"},
        "description": _(
            "ETag reçu à la lecture de l'objet (428 s'il manque, 412 s'il est périmé)."
        ),
    }


def _errors_for(method: str, path: str, operation: dict) -> dict[str, str]:
    errors = {
        "400": _("Requête invalide : message par champ dans `errors`."),
        "401": _("Non authentifié : jeton absent ou invalide."),
        "403": _("Votre rôle dans ce chantier ne permet pas cette opération."),
    }
    if "{" in path:
        errors["404"] = _("Introuvable (ou dans un chantier auquel vous n'avez pas accès).")
    if method in ("post", "put", "patch", "delete"):
        errors["409"] = _("Conflit avec l'état des données (ex. objet encore référencé).")
    headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    if "If-Match" in headers:
        errors["412"] = _(
            "ETag périmé : l'objet a changé depuis votre lecture ; rien n'a été fait."
        )
    if method in ("put", "patch", "delete"):
        errors["428"] = _("En-tête If-Match manquant.")
    return errors


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if method in ("put", "patch", "delete"):
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "If-Match" for p in parameters):
                    parameters.append(_if_match())
            responses = operation.setdefault("responses", {})
            for code, description in _errors_for(method, path, operation).items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
            for code, response in responses.items():
                if code.startswith("2") and method in ("get", "post", "put", "patch"):
                    response.setdefault("headers", {})
                    if not path.endswith("/history/"):
                        response["headers"].setdefault(
                            "ETag",
                            {
                                "schema": {"type": "string"},
                                "description": _("Version de l'objet, à renvoyer dans If-Match."),
                            },
                        )
                    if code == "201":
                        response["headers"].setdefault(
                            "Location",
                            {
                                "schema": {"type": "string"},
                                "description": _("Adresse de l'objet créé."),
                            },
                        )
                    if not response["headers"]:
                        del response["headers"]
    return result


class SchemaView(SpectacularAPIView):
    """The schema takes seconds to build and changes only with the code: build it once
    per process and language."""

    _built: dict = {}

    def _get_schema_response(self, request):
        key = (translation.get_language(), request.version, self.api_version)
        if key not in self._built:
            self._built[key] = super()._get_schema_response(request).data
        return Response(self._built[key])
