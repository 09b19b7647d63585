import pytest

from tests.api.factories import token_klient


@pytest.fixture
def api():
    """api(user) -> APIClient med användarens token."""
    return token_klient
