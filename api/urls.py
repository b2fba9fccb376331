from django.urls import path

from api import tokens

urlpatterns = [
    path("compte/jetons/", tokens.tokens, name="api-tokens"),
]
