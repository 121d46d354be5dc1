"""Settings, read from the environment (and an optional `.env` file at the repository root).

Outside development the secrets must be set: a default secret in production is a refused start-up,
not a warning in a log nobody reads.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "changethis"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=REPO_ROOT / ".env", extra="ignore", env_file_encoding="utf-8")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'jiuzhu.db'}"
    # Signs staff tokens and one-time links.
    secret_key: str = DEFAULT_SECRET
    # Encrypts ID numbers and face encodings at rest; keyed hashes for look-up derive from it.
    data_encryption_key: str = DEFAULT_SECRET
    # The action server's credential for calling this backend.
    service_token: str = DEFAULT_SECRET
    # Where the web chat page forwards messages (Rasa's REST channel).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 30.0
    # SMS: "console" prints messages (embedded default); "twilio" sends through Twilio's API.
    sms_provider: Literal["console", "twilio"] = "console"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    # Only for tests and benchmarks against a local fake Twilio server.
    twilio_api_base: str | None = None
    # The address Twilio reaches this backend at: status callbacks and signature checks use it.
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.sms_provider == "twilio" and not (self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number):
            raise ValueError("SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER")
        if self.environment == "development":
            return self
        weak = [
            name
            for name in ("secret_key", "data_encryption_key", "service_token")
            if getattr(self, name) == DEFAULT_SECRET or len(getattr(self, name)) < 32
        ]
        if weak:
            raise ValueError(
                f"{', '.join(n.upper() for n in weak)} must be set to a strong secret "
                f"(at least 32 characters) when ENVIRONMENT={self.environment}"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
