"""Write the server's parameter specs (GET /api/analyses) for the node tests of static/js.

Run: .venv/bin/python tests/js/write_fixtures.py   (tests/server/test_api.py checks it is current)
"""

import json
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analyses.json"


def analyses() -> dict:
    """What /api/analyses answers."""
    sys.path.insert(0, str(FIXTURE.parents[3]))
    from server import create_app

    return create_app({"TESTING": True}).test_client().get("/api/analyses").get_json()


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(analyses(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {FIXTURE}")
