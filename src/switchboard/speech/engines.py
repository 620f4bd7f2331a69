"""Speech engines chosen by settings name; optional engines are imported lazily.

``stt_engine``: pocketsphinx (embedded, default) | whisper (faster-whisper, local model) |
openai (an OpenAI-compatible ``/v1/audio/transcriptions`` server).
``tts_engine``: espeak (embedded, default) | kokoro (local model + voices files) |
openai (an OpenAI-compatible ``/v1/audio/speech`` server).

Nothing is downloaded: a missing model path, package or server is an
:class:`~switchboard.errors.EngineUnavailable` at start, with a message naming it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from switchboard.errors import EngineUnavailable

_CHECK_TIMEOUT_S = 3.0


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def _need_package(module: str, engine: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise EngineUnavailable(
            f"{engine} needs the Python package {module!r}, which is not installed "
            f"(pip install 'switchboard[{extra}]')"
        )


def _need_file(path: str, what: str, setting: str) -> None:
    if not path:
        raise EngineUnavailable(f"{what}: set {setting.upper()} to a local path")
    if not Path(path).expanduser().exists():
        raise EngineUnavailable(f"{what} not found at {path} (set {setting.upper()})")


def _need_server(base_url: str, what: str, setting: str) -> None:
    if not base_url:
        raise EngineUnavailable(f"{what}: set {setting.upper()} to the server's /v1 URL")
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise EngineUnavailable(f"{what}: {setting.upper()}={base_url!r} is not an http(s) URL")
    url = base_url.rstrip("/") + "/models"
    try:
        httpx.get(url, timeout=_CHECK_TIMEOUT_S)
    except httpx.HTTPError as exc:
        # Any HTTP answer (even 404) proves the server is up; only no answer is fatal.
        raise EngineUnavailable(f"{what} at {base_url} is unreachable: {exc}") from exc


def check_engines(settings: Any) -> None:
    """Check that the configured engines can start; called once at app start.

    Raises:
        EngineUnavailable: naming the missing model path, package or unreachable server.
    """
    stt = settings.stt_engine
    if stt == "pocketsphinx":
        _need_package("pocketsphinx", "pocketsphinx STT", "dev")
        from pocketsphinx import get_model_path

        model = Path(get_model_path()) / "en-us" / "en-us"
        if not model.is_dir():
            raise EngineUnavailable(f"pocketsphinx en-us model not found at {model}")
    elif stt == "whisper":
        _need_package("faster_whisper", "whisper STT", "whisper")
        _need_file(settings.whisper_model_path, "whisper model", "whisper_model_path")
    elif stt == "openai":
        _need_package("openai", "OpenAI-compatible STT", "dev")
        _need_server(settings.openai_stt_base_url, "STT server", "openai_stt_base_url")
    else:
        raise EngineUnavailable(f"unknown STT engine {stt!r}")

    tts = settings.tts_engine
    if tts == "espeak":
        from switchboard.speech.espeak_tts import synthesize

        synthesize("ok", voice=settings.espeak_voice, rate=settings.espeak_rate)
    elif tts == "kokoro":
        _need_package("kokoro_onnx", "kokoro TTS", "kokoro")
        _need_file(settings.kokoro_model_path, "kokoro model", "kokoro_model_path")
        _need_file(settings.kokoro_voices_path, "kokoro voices file", "kokoro_voices_path")
    elif tts == "openai":
        _need_package("openai", "OpenAI-compatible TTS", "dev")
        _need_server(settings.openai_tts_base_url, "TTS server", "openai_tts_base_url")
    else:
        raise EngineUnavailable(f"unknown TTS engine {tts!r}")


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def _api_key(settings: Any) -> str:
    # Local servers ignore the key, but the OpenAI client refuses to start without one.
    return settings.openai_api_key.get_secret_value() or "not-needed"


def build_stt(settings: Any, *, pool: Any = None, **kwargs: Any) -> Any:
    """Build the configured STT service. Every one has ``set_expectation(kind, phrases)``.

    Args:
        settings: application settings.
        pool: the app's started DecoderPool (pocketsphinx only).
        **kwargs: passed to the service (e.g. ``sample_rate``).
    """
    engine = settings.stt_engine
    domain = kwargs.pop("domain", None)  # the embedded recognizer's domain LM key
    if engine == "pocketsphinx":
        if pool is None:
            raise EngineUnavailable("pocketsphinx STT needs the app's DecoderPool")
        from switchboard.speech.pocketsphinx_stt import PocketsphinxSTTService

        return PocketsphinxSTTService(pool=pool, domain=domain, **kwargs)
    if engine == "whisper":
        _need_package("faster_whisper", "whisper STT", "whisper")
        _need_file(settings.whisper_model_path, "whisper model", "whisper_model_path")
        from pipecat.services.whisper.stt import WhisperSTTService

        class HintedWhisperSTTService(WhisperSTTService):
            """faster-whisper with the expected phrases passed as hotwords."""

            def set_expectation(self, kind: str | None, phrases: Iterable[str] = ()) -> None:
                self._settings.hotwords = ", ".join(phrases) if kind else None

        return HintedWhisperSTTService(
            settings=WhisperSTTService.Settings(model=settings.whisper_model_path),
            device=settings.whisper_device,
            compute_type=settings.whisper_compute_type,
            **kwargs,
        )
    if engine == "openai":
        _need_package("openai", "OpenAI-compatible STT", "dev")
        from pipecat.services.openai.stt import OpenAISTTService

        class HintedOpenAISTTService(OpenAISTTService):
            """OpenAI-compatible transcription with the expected phrases as the prompt."""

            def set_expectation(self, kind: str | None, phrases: Iterable[str] = ()) -> None:
                self._settings.prompt = ", ".join(phrases) if kind else None

        return HintedOpenAISTTService(
            api_key=_api_key(settings),
            base_url=settings.openai_stt_base_url,
            settings=OpenAISTTService.Settings(model=settings.openai_stt_model),
            **kwargs,
        )
    raise EngineUnavailable(f"unknown STT engine {engine!r}")


def build_tts(settings: Any, *, profile: Any = None, **kwargs: Any) -> Any:
    """Build the configured TTS service.

    Args:
        settings: application settings.
        profile: the business profile; its ``voice`` (when set) overrides the default voice.
        **kwargs: passed to the service (e.g. ``sample_rate``).
    """
    engine = settings.tts_engine
    voice = getattr(profile, "voice", None) or None
    if engine == "espeak":
        from switchboard.speech.espeak_tts import EspeakTTSService

        return EspeakTTSService(
            voice=voice or settings.espeak_voice, rate=settings.espeak_rate, **kwargs
        )
    if engine == "kokoro":
        _need_package("kokoro_onnx", "kokoro TTS", "kokoro")
        _need_file(settings.kokoro_model_path, "kokoro model", "kokoro_model_path")
        _need_file(settings.kokoro_voices_path, "kokoro voices file", "kokoro_voices_path")
        from pipecat.services.kokoro.tts import KokoroTTSService

        return KokoroTTSService(
            model_path=settings.kokoro_model_path,
            voices_path=settings.kokoro_voices_path,
            settings=KokoroTTSService.Settings(voice=voice or settings.kokoro_voice),
            **kwargs,
        )
    if engine == "openai":
        _need_package("openai", "OpenAI-compatible TTS", "dev")
        from switchboard.speech.openai_tts import OpenAICompatibleTTSService

        return OpenAICompatibleTTSService(
            api_key=_api_key(settings),
            base_url=settings.openai_tts_base_url,
            model=settings.openai_tts_model,
            voice=voice or settings.openai_tts_voice,
            **kwargs,
        )
    raise EngineUnavailable(f"unknown TTS engine {engine!r}")
