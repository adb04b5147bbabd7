"""Speech to text with openai-whisper from local checkpoints only (never downloads)."""

import math
import threading
from contextlib import contextmanager

import numpy as np

from nlp.audio import SAMPLE_RATE, AudioDecodeError, decode_audio  # noqa: F401 (re-exported)
from nlp.text import normalise
from nlp.whisper_models import (  # noqa: F401 (re-exported)
    ModelUnavailable,
    default_model_dir,
    get_model,
    load_model,
    resolve_checkpoint,
)

INITIAL_PROMPT = "以下是普通话的句子，内容是城市安全隐患的报告。"
LOW_LOGPROB = -1.0
HIGH_NO_SPEECH = 0.6
DEFAULT_OPTIONS = {
    "task": "transcribe",
    "initial_prompt": INITIAL_PROMPT,
    "condition_on_previous_text": False,
    "temperature": (0.0, 0.2, 0.4),
    "no_speech_threshold": HIGH_NO_SPEECH,
    "logprob_threshold": LOW_LOGPROB,
    "compression_ratio_threshold": 2.4,
}

_run_lock = threading.Lock()


def _weighted_mean(values: list[float], weights: list[float]) -> float:
    """Return the weighted mean, or the plain mean when all weights are zero."""
    total = sum(weights)
    if total <= 0:
        return sum(values) / len(values)
    return sum(v * w for v, w in zip(values, weights)) / total


@contextmanager
def _reuse_encoder_output(model):
    """Within the block, encoding the same mel again returns the previous audio features.

    whisper runs the encoder again for every fallback temperature of a 30-s window (and for
    word timestamps), on the same mel segment; the encoder is deterministic, so one pass is enough.
    """
    import torch

    encoder = model.encoder
    last: dict = {}

    def forward(mel):
        prev = last.get("mel")
        if prev is not None and prev.shape == mel.shape and prev.dtype == mel.dtype and torch.equal(prev, mel):
            return last["features"]
        features = type(encoder).forward(encoder, mel)
        last.update(mel=mel.detach().clone(), features=features)
        return features

    encoder.forward = forward
    try:
        yield
    finally:
        del encoder.forward


def transcribe(model, audio, model_name: str, language: str = "zh", **options) -> dict:
    """Transcribe audio (array at 16 kHz, path or bytes); options override the decoding defaults.

    avg_logprob is the duration-weighted mean over segments; no_speech_prob is the maximum
    over segments (the most doubtful window decides). Both are None when there are no segments.
    """
    import whisper

    if not isinstance(audio, np.ndarray):
        audio = decode_audio(audio)
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    duration = round(len(audio) / SAMPLE_RATE, 3)
    result = {"text": "", "segments": [], "language": language, "avg_logprob": None,
              "no_speech_prob": None, "duration": duration, "model": model_name, "low_confidence": True}
    if len(audio) == 0:
        return result
    kwargs = {**DEFAULT_OPTIONS, "language": language, "fp16": model.device.type == "cuda", **options}
    with _run_lock, _reuse_encoder_output(model):
        raw = whisper.transcribe(model, audio, verbose=None, **kwargs)
    segments = [
        {"start": float(s["start"]), "end": float(s["end"]), "text": normalise(s["text"]),
         "avg_logprob": float(s["avg_logprob"]), "no_speech_prob": float(s["no_speech_prob"])}
        for s in raw["segments"]
    ]
    result.update(text=normalise(raw["text"]), segments=segments, language=raw.get("language") or language)
    if segments:
        weights = [max(0.0, s["end"] - s["start"]) for s in segments]
        result["avg_logprob"] = _weighted_mean([s["avg_logprob"] for s in segments], weights)
        result["no_speech_prob"] = max(s["no_speech_prob"] for s in segments)
        result["low_confidence"] = (
            not result["text"]
            or not math.isfinite(result["avg_logprob"])
            or result["avg_logprob"] < LOW_LOGPROB
            or result["no_speech_prob"] > HIGH_NO_SPEECH
        )
    return result
