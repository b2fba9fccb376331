"""API fixtures: a client per persona (token or forced authentication) and a small
world in the personas' chantier plus one object in another chantier."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as `user` (None: anonymous)."""

    def _client(user=None, **headers):
        client = APIClient(**headers)
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client
