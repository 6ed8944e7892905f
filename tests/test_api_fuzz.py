"""schemathesis against the API's own OpenAPI schema: generated input for every operation, sent as an organizer
(so uploads, replacements and deletions run too) to the app over a real PostgreSQL catalog — never a 5xx."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from conftest import LAW
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.services import open_services
from retrieval.settings import Settings

pytestmark = pytest.mark.server
TOKEN: dict[str, str] = {}


@pytest.fixture
def api_schema(tmp_path: Path, database_url: str, tokenizer):
    settings_ = Settings(data_dir=tmp_path / "data", database_url=database_url, embedding_model="none", max_upload_mb=1)
    services = open_services(settings_, tokenizer=tokenizer, load_model=False)
    services.library.add("law.md", LAW.encode())  # something to find, replace and delete
    TOKEN["value"] = services.tokens.add("fuzz")
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(services))
    services.close()


def test_no_server_error_on_any_generated_input(api_schema) -> None:
    """Each operation with hypothesis-generated cases (bounded: the machine is shared)."""
    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    statuses: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def no_server_error(case) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=[not_a_server_error])

        no_server_error()
    assert sum(statuses.values()) >= 5 * len(operations)
    assert statuses[200] and statuses[422]  # answered some, refused some
    print("fuzz statuses:", dict(sorted(statuses.items())))
