import json
import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from backend.core.logging import JsonFormatter, RedactingFilter, redact
from backend.core.settings import DEFAULT_SECRET, Settings

STRONG = "s3cret-value-long-enough-0123456789abcdef"


def test_development_runs_with_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert Settings(_env_file=None, environment="development").secret_key == DEFAULT_SECRET


@pytest.mark.parametrize("environment", ["production", "test"])
def test_default_secrets_are_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY.*must be set"):
        Settings(
            _env_file=None,
            environment=environment,
            secret_key=DEFAULT_SECRET,
            data_encryption_key=STRONG,
            service_token=STRONG,
        )


def test_short_secrets_are_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="SERVICE_TOKEN"):
        Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG, service_token="abc")


def test_strong_secrets_are_accepted_in_production() -> None:
    s = Settings(_env_file=None, environment="production", secret_key=STRONG, data_encryption_key=STRONG, service_token=STRONG)
    assert s.environment == "production"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("身份证11010519491231002X已提交", "身份证110105********002X已提交"),
        ("id=440524188001010014&x=1", "id=440524********0014&x=1"),
        ("电话13812345678", "电话138****5678"),
        ("+8613912345678 called", "+86139****5678 called"),
        ("金额770元，户数3", "金额770元，户数3"),
    ],
)
def test_redact_masks_id_and_phone_numbers(raw: str, masked: str) -> None:
    assert redact(raw) == masked


def _format(record: logging.LogRecord) -> dict:
    RedactingFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_lines_are_json_and_never_carry_numbers_in_clear() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "applicant %s phone %s", ("11010519491231002X", "13812345678"), None)
    record.path = "/api/v1/persons/11010519491231002X"
    line = _format(record)
    assert "11010519491231002X" not in json.dumps(line, ensure_ascii=False)
    assert "13812345678" not in json.dumps(line, ensure_ascii=False)
    assert line["msg"] == "applicant 110105********002X phone 138****5678"
    assert line["path"] == "/api/v1/persons/110105********002X"


def test_request_logs_leave_numbers_out(session, capsys: pytest.CaptureFixture[str]) -> None:
    from backend.main import create_app

    app = create_app()  # installs the JSON, redacting handler on the (captured) stderr
    TestClient(app).get("/api/v1/policy/standards/13812345678")
    err = capsys.readouterr().err
    access = [json.loads(line) for line in err.splitlines() if '"backend.access"' in line]
    assert access, "the access log should record the request"
    assert access[0]["path"] == "/api/v1/policy/standards/138****5678"
    assert "13812345678" not in err
