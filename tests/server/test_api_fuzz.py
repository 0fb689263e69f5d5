"""Property-based fuzzing of every endpoint from /api/openapi.json (schemathesis): valid and
invalid inputs generated from the declared parameters, against the trained test workspace.

The property: never a 5xx, and every response (status, content type, body) conforms to the
document. Bounded to a fixed number of examples per endpoint so the suite stays fast.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from server import create_app

EXAMPLES = 25  # per endpoint and generation mode


# the document does not depend on the workspace, so it is loaded once, at collection; every
# request then reads the workspace the test points RNNVIS_HOME at
APP = create_app({"TESTING": True, "PARALLEL_LAYOUTS": False})


def _steered(doc: dict) -> dict:
    """The document with model names and words drawn from the test workspace (and one unknown
    each), so valid requests reach the analyses instead of stopping at "unknown model"."""
    known = {"name": ["lm", "cls", "nope"], "word": ["a", "b", "X", "Y", "good", "zebra"]}
    for ops in doc["paths"].values():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] in known:
                    param["schema"] = {"type": "string", "enum": known[param["name"]]}
    return doc


schema = schemathesis.openapi.from_dict(_steered(APP.test_client().get("/api/openapi.json").get_json()))
schema.app = APP
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                max_examples=EXAMPLES, deterministic=True)


@pytest.fixture
def workspace(use_home, config_folder):
    """The trained test workspace, and a temporary config folder that PUT may write into."""
    return use_home


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_endpoint_answers_within_its_schema(case, workspace):
    # every check but "schema-valid data is accepted": a request can fit the document and still
    # be refused with a 400 that names why (layer 5 of a 2-layer model, a gate an RNN lacks,
    # a config that does not validate)
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
