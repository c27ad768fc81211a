"""API clients: Bearer tokens (read/write and read-only) for the owner and the stranger."""

import pytest
from django.test import Client

from api.models import TokenScope
from api.tokens import create_access_token


class ApiClient:
    def __init__(self, token: str):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path, params=None, **extra):
        return self.client.get(path, params or {}, **self.headers, **extra)

    def post(self, path, data=None, **extra):
        return self.client.post(path, data or {}, content_type="application/json",
                                **self.headers, **extra)

    def patch(self, path, data, **extra):
        return self.client.patch(path, data, content_type="application/json", **self.headers,
                                 **extra)

    def put(self, path, data, **extra):
        return self.client.put(path, data, content_type="application/json", **self.headers,
                               **extra)

    def delete(self, path, **extra):
        return self.client.delete(path, **self.headers, **extra)


@pytest.fixture
def api(owner):
    return ApiClient(create_access_token(owner, "tests", TokenScope.WRITE)[1])


@pytest.fixture
def read_api(owner):
    return ApiClient(create_access_token(owner, "read only", TokenScope.READ)[1])


@pytest.fixture
def stranger_api(stranger):
    return ApiClient(create_access_token(stranger, "theirs", TokenScope.WRITE)[1])
