"""Synthetic test audio: tones and silence encoded with PyAV."""

import io

import av
import numpy as np


def tones(parts, rate: int = 16000, amplitude: float = 0.3) -> np.ndarray:
    """Return float32 mono samples for parts of (frequency or None for silence, seconds)."""
    pieces = []
    for freq, seconds in parts:
        t = np.arange(int(round(seconds * rate))) / rate
        if freq is None:
            pieces.append(np.zeros_like(t))
        else:
            pieces.append(amplitude * np.sin(2 * np.pi * freq * t))
    return np.concatenate(pieces).astype(np.float32)


def encode(samples: np.ndarray, rate: int = 16000, fmt: str = "wav") -> bytes:
    """Return samples encoded as a WAV (16-bit PCM) or OGG (Opus, resampled to 48 kHz) file."""
    codec, codec_rate = {"wav": ("pcm_s16le", rate), "ogg": ("libopus", 48000)}[fmt]
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=codec_rate, layout="mono")
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        frame.pts = 0
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=codec_rate)
        for out in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


def stereo_wav(seconds: float = 1.0, rate: int = 44100) -> bytes:
    """Return a stereo 44.1 kHz WAV with a 440 Hz tone, to exercise resampling and downmixing."""
    t = np.arange(int(seconds * rate)) / rate
    left = 0.3 * np.sin(2 * np.pi * 440 * t)
    pcm = (np.stack([left, left]) * 32767).astype(np.int16).T.reshape(1, -1)
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=rate, layout="stereo")
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="stereo")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()
