"""A bounded schemathesis run against the live schema: every operation of /api/v1/,
requests generated from the schema the app serves (valid and invalid ones), sent with a
real token to the app through WSGI. No answer may be a 500, and every answer must match
the schema (status code, content type, body, headers). Runs on SQLite and PostgreSQL."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from targets.domain.models import ApiToken

pytestmark = pytest.mark.django_db

NOV = datetime.date(2022, 11, 30)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Per operation: valid requests, then invalid ones; the five operations on one entry
# also get valid requests on a stored draft. About 275 requests (~20 s on 2 cores).
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}


@pytest.fixture
def wsgi(settings):
    """The app as a WSGI callable inside the test's transaction: like Django's test
    client, keep the per-request connection cleanup from closing it."""
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()
    app = get_wsgi_application()
    calls = []

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return app(environ, start_response)

    counted.calls = calls  # what was sent, to check the run is not empty
    yield counted
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    cache.clear()


def run(operation, mode, headers, **fixed):
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_generated_requests_get_no_500_and_match_the_schema(wsgi, cast, target, unit, make_entry):
    _token, key = ApiToken.issue(user=cast.reporter, name="schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    cqs = target("CQS-03c")
    draft = make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2, status="draft")
    make_entry(cqs, unit("11332"), NOV, numerator=1, denominator=2)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema", wsgi, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 15
    for operation in operations:
        for mode in EXAMPLES:
            run(operation, mode, headers)
        if "{id}" in operation.path:  # the same operation on a stored entry
            run(operation, GenerationMode.POSITIVE, headers, path_parameters={"id": draft.pk})
    assert len(wsgi.calls) >= 250  # requests sent (the schema's own fetch included)
