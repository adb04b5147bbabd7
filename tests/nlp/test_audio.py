"""Tests for nlp.audio: PyAV decoding, resampling, trimming, truncation."""

import numpy as np
import pytest
from .audio_helpers import encode, stereo_wav, tones

from nlp.audio import SAMPLE_RATE, AudioDecodeError, decode_audio, trim_silence
from nlp.transcribe import decode_audio as reexported

# 1 s silence, 1 s tone, 0.3 s gap, 0.5 s tone, 1.5 s silence: voiced 1.0-2.8 s.
PARTS = [(None, 1.0), (440, 1.0), (None, 0.3), (880, 0.5), (None, 1.5)]
TRIMMED = 1.8 + 2 * 0.2  # voiced span plus the 0.2 s pad on each side


@pytest.mark.parametrize("fmt", ["wav", "ogg"])
def test_decode_trims_leading_and_trailing_silence(fmt):
    samples = decode_audio(encode(tones(PARTS), fmt=fmt))
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) / SAMPLE_RATE == pytest.approx(TRIMMED, abs=0.05)
    # The inner 0.3 s gap is kept.
    assert np.abs(samples).max() == pytest.approx(0.3, abs=0.05)


def test_decode_from_path_and_pathlike(tmp_path):
    path = tmp_path / "note.wav"
    path.write_bytes(encode(tones(PARTS)))
    by_str = decode_audio(str(path))
    by_path = decode_audio(path)
    assert np.array_equal(by_str, by_path)
    assert len(by_str) / SAMPLE_RATE == pytest.approx(TRIMMED, abs=0.05)


def test_decode_resamples_stereo_44k_to_16k_mono():
    samples = decode_audio(stereo_wav(seconds=1.0, rate=44100))
    assert samples.ndim == 1
    assert len(samples) == pytest.approx(SAMPLE_RATE, abs=200)
    # A 440 Hz tone survives resampling: dominant FFT bin near 440 Hz.
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(samples)
    assert peak_hz == pytest.approx(440, abs=5)


def test_decode_truncates_to_max_seconds():
    samples = decode_audio(encode(tones([(None, 2.0), (440, 10.0)])), max_seconds=3.0)
    assert len(samples) == 3 * SAMPLE_RATE
    # Leading silence was trimmed before truncating, so the start is (nearly) voiced.
    assert np.abs(samples[: SAMPLE_RATE // 2]).max() > 0.2


def test_silence_only_gives_empty_array():
    samples = decode_audio(encode(tones([(None, 2.0)])))
    assert samples.dtype == np.float32 and samples.size == 0


def test_garbage_raises_decode_error():
    with pytest.raises(AudioDecodeError):
        decode_audio(b"this is not an audio file" * 20)
    assert issubclass(AudioDecodeError, ValueError)


def test_trim_silence_on_array_keeps_pad():
    samples = tones([(None, 0.5), (440, 0.5), (None, 0.5)])
    trimmed = trim_silence(samples)
    assert len(trimmed) / SAMPLE_RATE == pytest.approx(0.5 + 0.4, abs=0.03)
    assert trim_silence(np.zeros(0, np.float32)).size == 0


def test_transcribe_module_reexports_decode_audio():
    assert reexported is decode_audio
