"""Property-based fuzzing of every endpoint from /api/openapi.json (schemathesis): valid and
invalid inputs generated from the declared parameters, against the trained test workspace.

The property: never a 5xx, and every response (status, content type, body) conforms to the
document. Bounded to a fixed number of examples per endpoint so the suite stays fast.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from server import create_app

EXAMPLES = 25  # per endpoint and generation mode


@pytest.fixture
def api_schema(use_home, tmp_path, monkeypatch):
    """The OpenAPI schema of an app over the trained workspace (configs in a temporary folder)."""
    cfg_dir = tmp_path / "config"
    cfg_dir.mkdir()
    (cfg_dir / "good.yaml").write_text(
        "name: good\ntask: language_model\ndata: {dataset: ptb}\n"
        "model: {cell: lstm, layers: [4], embedding_size: 2}\n")
    monkeypatch.setenv("RNNVIS_CONFIG_DIR", str(cfg_dir))
    app = create_app({"TESTING": True, "PARALLEL_LAYOUTS": False})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES, deterministic=True)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_endpoint_answers_within_its_schema(case):
    case.call_and_validate()
