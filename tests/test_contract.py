"""The API as a contract: the OpenAPI 3.1 document at /api/v1/openapi.json
is valid, names every field the API reads, and real answers (200 and every
error) validate against it; schemathesis throws schema-driven inputs,
valid and invalid, at the app in-process with all its checks on.

The quick run sends a few dozen inputs per operation; the `slow` run (in
.ci/run) a thousand. A schema-valid request may still get a 422, which the
positive-data check therefore accepts: JSON Schema cannot say that a
number is written as a plain decimal, that a weight's range holds once
converted from its unit, that an override needs its regimen chosen, that
the growth check may need confirming, or that a dose rounds to nothing."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import OpenAPIV31SpecValidator
from schemathesis.config import SchemathesisConfig

from app import api

CASE = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"},
        "start_date": "2027-01-31", "bsa_formula": "mosteller"}
GIRL = {**CASE, "age": {"years": 3, "months": 6}, "sex": "female", "regimens": ["ivig"]}


@pytest.fixture(scope="module")
def document(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(document).validate()


def test_document_names_every_field_the_api_reads(document):
    request = document["components"]["schemas"]["PlanRequest"]
    assert set(request["properties"]) == api.FIELDS
    assert request["required"] == ["weight", "height"] and request["additionalProperties"] is False
    regimens = request["properties"]["regimens"]["items"]["enum"]
    # Every regimen id of every plan, each once, in the file's order.
    assert regimens == ["prednisolone", "ivig", "methotrexate", "pamidronate", "cyclophosphamide",
                        "methylprednisolone", "aspirin", "mycophenolate"]
    assert request["properties"]["plan"]["enum"] == [
        "jdm_calcinosis", "jdm_carra_ivmp", "kawasaki_aha2017", "lupus_nephritis_nih",
        "lupus_nephritis_mmf", "lupus_nephritis_eurolupus"]
    assert set(request["properties"]["overrides"]["properties"]) == {
        "ivig", "methotrexate", "pamidronate", "cyclophosphamide"}


def validator(document, status):
    response = document["paths"]["/api/v1/plan"]["post"]["responses"][str(status)]
    schema = {**response["content"]["application/json"]["schema"], "components": document["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("body,status", [
    (CASE, 200),
    (GIRL, 200),
    ({**GIRL, "weight": {"value": 31, "unit": "kg"}}, 200),
    ({**GIRL, "weight": {"value": 70, "unit": "kg"}}, 422),
    ({**GIRL, "weight": {"value": 70, "unit": "kg"}, "confirm_implausible": True}, 200),
    ({**GIRL, "age": {"years": 25, "months": 0}}, 200),
    ({**CASE, "overrides": {"ivig": {"dose": 2.5}}}, 422),
    ({**CASE, "regimens": None}, 422),
    ({"weight": "14"}, 422),
    ({**CASE, "k" * 100: 1}, 422),
    ([1, 2], 400),
])
def test_real_answers_validate_against_the_document(client, document, body, status):
    response = client.post("/api/v1/plan", json=body)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    validator(document, status).validate(response.get_json())


@pytest.mark.parametrize("raw,content_type,status", [
    (b"{", "application/json", 400),
    (b"\xff", "application/json", 400),
    (b"{" + b" " * 20_000 + b"}", "application/json", 413),
    (json.dumps(CASE).encode(), "text/plain", 415),
])
def test_error_answers_validate_against_the_document(client, document, raw, content_type, status):
    response = client.post("/api/v1/plan", data=raw, content_type=content_type)
    assert response.status_code == status
    validator(document, status).validate(response.get_json())


CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": [200, 422]}},
})


@pytest.fixture(scope="module")
def contract_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_quick(case):
    case.call_and_validate()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_full(case):
    case.call_and_validate()
