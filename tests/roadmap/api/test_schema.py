"""The OpenAPI schema: valid, described, in step with the code, and true of every response.

The committed copy (``roadmap/api/openapi.yaml``) must equal what the code generates, so a change
to the API shows up in review. Schemathesis then generates requests for every GET operation from
that schema (a bounded number per operation) against the demo roadmap: no response may be a 5xx,
and every response must match the schema.
"""

from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from config.wsgi import application

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "roadmap" / "api" / "openapi.yaml"
REGENERATE = (
    "python manage.py spectacular --validate --fail-on-warn --file roadmap/api/openapi.yaml"
)


def generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_committed_schema_is_what_the_code_generates():
    rendered = OpenApiYamlRenderer().render(generated(), renderer_context={}).decode()
    assert rendered == SCHEMA_FILE.read_text(), f"The API changed: run `{REGENERATE}`."


def test_the_schema_is_valid_openapi_and_every_field_is_described():
    schema = generated()
    validate_schema(schema)
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed == []


def _operations(mode: GenerationMode):
    schema = schemathesis.openapi.from_dict(yaml.safe_load(SCHEMA_FILE.read_text()))
    schema.config.generation.update(modes=[mode], deterministic=True)
    return schema.include(method="GET")


valid_requests = _operations(GenerationMode.POSITIVE)
invalid_requests = _operations(GenerationMode.NEGATIVE)


@pytest.fixture
def one_connection():
    """Keep the test's database connection open across the requests, as Django's test client
    does: the WSGI app otherwise closes it at the end of each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo_roadmap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


@valid_requests.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_valid_requests_are_answered_as_the_schema_says(case, demo, one_connection):
    cache.clear()  # neither the throttle nor the page cache carries over between examples
    response = case.call(app=application)
    # Reading needs no credentials, so a made-up session cookie rightly reads as anonymous:
    # the check that expects a 401 for it does not apply here.
    # A filter can refuse what the schema can't express (an id that does not exist, a year out of
    # range) with a documented 400, so "valid data must be accepted" does not apply either.
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


@invalid_requests.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_invalid_requests_never_cause_a_server_error(case, demo, one_connection):
    cache.clear()
    response = case.call(app=application)
    case.validate_response(response, checks=[not_a_server_error])
