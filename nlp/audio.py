"""Audio decoding to 16 kHz mono float32 with PyAV, and silence trimming."""

import io
import os

import numpy as np

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.02
# A frame is voiced when its RMS is above both this floor (about -55 dBFS) and
# RELATIVE_THRESHOLD times the loudest frame's RMS.
ABSOLUTE_FLOOR = 10 ** (-55 / 20)
RELATIVE_THRESHOLD = 0.03
PAD_SECONDS = 0.2


class AudioDecodeError(ValueError):
    """Raised when the input holds no decodable audio stream."""


def trim_silence(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Drop leading and trailing 20 ms frames below the energy threshold, keeping a short pad."""
    frame = int(sample_rate * FRAME_SECONDS)
    n_frames = len(samples) // frame + (1 if len(samples) % frame else 0)
    if n_frames == 0:
        return samples[:0]
    padded = np.zeros(n_frames * frame, dtype=np.float32)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(padded.reshape(n_frames, frame) ** 2, axis=1))
    threshold = max(ABSOLUTE_FLOOR, float(rms.max()) * RELATIVE_THRESHOLD)
    voiced = np.flatnonzero(rms > threshold)
    if voiced.size == 0:
        return samples[:0]
    pad = int(PAD_SECONDS * sample_rate)
    start = max(0, int(voiced[0]) * frame - pad)
    end = min(len(samples), (int(voiced[-1]) + 1) * frame + pad)
    return samples[start:end]


def _source(path_or_bytes):
    """Return something av.open accepts."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(path_or_bytes))
    if isinstance(path_or_bytes, os.PathLike):
        return os.fspath(path_or_bytes)
    return path_or_bytes


def decode_audio(path_or_bytes, max_seconds: float = 120.0) -> np.ndarray:
    """Decode a file, path or bytes to 16 kHz mono float32, trim silence, keep at most max_seconds."""
    import av

    # Decode a margin beyond max_seconds so that leading silence can be trimmed first.
    limit = int((2 * max_seconds + 10) * SAMPLE_RATE)
    chunks, total = [], 0
    try:
        with av.open(_source(path_or_bytes), mode="r") as container:
            if not container.streams.audio:
                raise AudioDecodeError("no audio stream in input")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    total += chunks[-1].size
                if total >= limit:
                    break
            else:
                chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    except AudioDecodeError:
        raise
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise AudioDecodeError(f"cannot decode audio: {exc}") from exc
    samples = np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)
    samples = trim_silence(samples[:limit])
    return np.ascontiguousarray(samples[: int(max_seconds * SAMPLE_RATE)], dtype=np.float32)
