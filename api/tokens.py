"""/compte/jetons/: a user creates, renews and revokes their own API token (one per
user, as rest_framework.authtoken keeps it). The key is shown in full once, right
after it is created; afterwards only its first characters."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

NEW_KEY = "api_new_token_key"


@require_http_methods(["GET", "POST"])
def tokens(request):
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        if request.POST.get("do") == "revoke":
            if token is not None:
                token.delete()
                messages.success(request, _("Jeton révoqué : il ne donne plus accès à l'API."))
        else:
            if token is not None:
                token.delete()
            token = Token.objects.create(user=request.user)
            request.session[NEW_KEY] = token.key
            messages.success(
                request, _("Nouveau jeton créé. Copiez-le maintenant : il ne sera plus affiché.")
            )
        return redirect("api-tokens")
    new_key = request.session.pop(NEW_KEY, None)
    return render(
        request,
        "api/tokens.html",
        {
            "token": token,
            "new_key": new_key if token is not None and new_key == token.key else None,
            "api_root": request.build_absolute_uri("/api/v1/"),
        },
    )
