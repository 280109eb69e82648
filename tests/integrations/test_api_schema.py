"""Schemathesis drives every API operation from the OpenAPI schema: no 500, every answer matches
the schema (status codes included), and calls without a token are refused.

The operations are walked here rather than with ``@schema.parametrize()``: schemathesis' pytest
plugin reads a pytest-internal attribute that pytest 9.2 no longer has."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from integrations.models import ApiToken
from tpmo.roles import Role
from tpmo.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]
OPERATIONS = 35  # seven resources × list, create, read, replace, update


@pytest.fixture
def connection_kept_open():
    """Requests made straight to the WSGI app would close the test's database connection at their
    end (Django's test client prevents that the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_open")
def test_every_operation_answers_as_its_schema_says(portfolio, user_for):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user_for(Role.TPM), 'fuzz')[1]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
