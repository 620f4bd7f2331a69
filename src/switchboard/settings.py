"""Settings from the environment and ``.env``; built by the caller, never at import time."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from switchboard.errors import ConfigError

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "xxx"}


class Settings(BaseSettings):
    """All runtime settings. Every field is documented in ``.env.example``."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # --- server ---------------------------------------------------------------------------
    environment: Literal["development", "production", "test"] = "development"
    bind_host: str = "127.0.0.1"
    port: int = 8200
    public_url: str = "http://127.0.0.1:8200"
    log_level: str = "INFO"
    data_dir: Path = Path("data")
    database_url: str = ""  # default: sqlite file under data_dir
    recordings_dir: Path | None = None  # default: data_dir / "recordings"
    record_calls: bool = True
    profiles_dir: Path | None = None  # default: the profiles shipped in the package

    # --- Twilio ---------------------------------------------------------------------------
    twilio_account_sid: str = "ACdevelopment0000000000000000000000"
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_validate_signatures: bool = True
    twilio_api_base_url: str = "https://api.twilio.com"
    stream_token_ttl_secs: int = 60
    stream_token_secret: SecretStr = SecretStr("")  # default: derived from the auth token

    # --- calls ----------------------------------------------------------------------------
    max_concurrent_calls: int = Field(default=2, ge=1)
    overflow_number: str = ""
    hangup_delay_secs: float = Field(default=1.5, ge=0)
    max_call_secs: int = Field(default=900, ge=30)
    silence_reprompt_secs: float = Field(default=7.0, gt=0)
    # Turn-taking (C3.1, C3.2, C3.4): the half-duplex echo gate (a business can turn it off in
    # its profile), the echo tail after the agent stops, and the reply deadline.
    echo_gate: bool = True
    echo_tail_secs: float = Field(default=0.5, ge=0)
    reply_deadline_secs: float = Field(default=2.5, gt=0)

    # --- speech engines -------------------------------------------------------------------
    stt_engine: Literal["pocketsphinx", "whisper", "openai"] = "pocketsphinx"
    stt_workers: int = Field(default=0, ge=0)  # 0: one per CPU core
    # Embedded recognizer: decode with a small language model of what the business's callers
    # say (built from its profile) beside the general one; the better-scoring result wins.
    stt_domain_lm: bool = True
    whisper_model_path: str = ""
    whisper_device: str = "auto"
    whisper_compute_type: str = "default"
    openai_stt_base_url: str = ""
    openai_stt_model: str = "whisper-1"
    tts_engine: Literal["espeak", "kokoro", "openai"] = "espeak"
    espeak_voice: str = "en-us"
    espeak_rate: int = 165
    kokoro_model_path: str = ""
    kokoro_voices_path: str = ""
    kokoro_voice: str = "af_heart"
    openai_tts_base_url: str = ""
    openai_tts_model: str = "tts-1"
    openai_tts_voice: str = "alloy"
    openai_api_key: SecretStr = SecretStr("")

    # --- after the call: CRM targets, outbox, notifications, post-call transcription -----
    crm_targets: str = "file"  # any of odoo,webhook,file (comma-separated)
    crm_outcomes: str = "request_captured,message_taken,emergency,transferred,abandoned"
    export_file: Path | None = None  # default: data_dir / "requests.jsonl"
    odoo_url: str = ""
    odoo_db: str = ""
    odoo_username: str = ""
    odoo_api_key: SecretStr = SecretStr("")
    odoo_protocol: Literal["xmlrpc", "json2"] = "xmlrpc"
    odoo_team_id: int | None = None
    odoo_stage_id: int | None = None
    odoo_user_id: int | None = None
    odoo_sid_field: str = "description"
    odoo_timeout_secs: float = 30.0
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    webhook_timeout_secs: float = 15.0
    notify: Literal["none", "webhook", "email"] = "none"
    notify_outcomes: str = "emergency,transferred"
    notify_webhook_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: str = ""
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    smtp_timeout_secs: float = 15.0
    outbox_max_attempts: int = Field(default=20, ge=1)
    outbox_backoff_base_secs: float = 10.0
    outbox_backoff_max_secs: float = 3600.0
    outbox_lease_secs: float = 120.0
    outbox_poll_secs: float = 2.0
    outbox_batch: int = 32
    outbox_concurrency: int = 8
    run_outbox_worker: bool = True  # deliver from the server process (or run `outbox run`)
    postcall_stt: Literal["none", "whisper", "openai"] = "none"
    postcall_stt_url: str = ""
    postcall_stt_model: str = ""
    postcall_whisper_model: str = ""
    postcall_stt_language: str = "en"
    postcall_stt_timeout_secs: float = 300.0

    # --- voice activity -------------------------------------------------------------------
    vad_confidence: float = 0.6
    vad_start_secs: float = 0.15
    vad_stop_secs: float | None = None  # default: 0.2 with END_OF_TURN=smart, 0.6 with vad
    vad_min_volume: float = 0.3
    # End of turn (C2.1): "smart" = short VAD pause, then the words and smart-turn decide whether
    # the caller is done (bench/turn_bench.py); "vad" = every VAD stop ends the turn.
    end_of_turn: Literal["smart", "vad"] = "smart"
    turn_max_pause_secs: float = Field(default=2.0, gt=0)
    smart_turn_threshold: float = Field(default=0.7, ge=0, le=1)

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        if self.environment == "production":
            if self.twilio_auth_token.get_secret_value().lower() in PLACEHOLDER_SECRETS:
                raise ValueError("TWILIO_AUTH_TOKEN must be set in production")
            if not self.twilio_validate_signatures:
                raise ValueError("TWILIO_VALIDATE_SIGNATURES=false is refused in production")
        return self

    # --- derived --------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'switchboard.db').resolve()}"

    @property
    def resolved_recordings_dir(self) -> Path:
        return self.recordings_dir or (self.data_dir / "recordings")

    @property
    def resolved_vad_stop_secs(self) -> float:
        if self.vad_stop_secs is not None:
            return self.vad_stop_secs
        return 0.2 if self.end_of_turn == "smart" else 0.6

    @property
    def resolved_stt_workers(self) -> int:
        return self.stt_workers or max(1, os.cpu_count() or 1)

    @property
    def auth_token(self) -> str:
        return self.twilio_auth_token.get_secret_value()

    @property
    def stream_secret(self) -> bytes:
        secret = self.stream_token_secret.get_secret_value() or self.auth_token
        if not secret:
            # Development without a Twilio token: a per-process random secret still makes
            # tokens unforgeable; they just do not survive a restart.
            secret = _process_secret()
        return secret.encode()


@lru_cache(maxsize=1)
def _process_secret() -> str:
    return os.urandom(32).hex()


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
