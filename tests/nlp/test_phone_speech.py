"""Spoken Chinese (espeak-ng where installed, tones otherwise) in every phone format, through Whisper."""
import shutil

import pytest

from nlp.transcribe import decode_audio, get_model, transcribe

from .. import media_fixtures as mf

FORMATS = ["m4a", "3gp", "ogg", "webm", "mp3", "wav", "amr"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_phone_formats_decode_to_16k_mono_with_silence_trimmed(fmt):
    audio = decode_audio(mf.audio_bytes(fmt, speech=True))
    spoken = mf.speech_samples(16000)
    assert audio.dtype.name == "float32" and audio.ndim == 1
    if spoken is not None:  # the half second of silence at each end is trimmed off
        assert 1.0 < len(audio) / 16000 < len(spoken) / 16000 - 0.5
    else:
        assert 0.5 < len(audio) / 16000 < 1.5


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng makes the speech; the tone tests cover decoding")
def test_espeak_speech_is_really_used():
    assert mf.speech_samples(16000) is not None
    assert mf.audio_bytes("wav", speech=True) != mf.audio_bytes("wav")


@pytest.mark.parametrize("fmt", ["3gp", "m4a"])
def test_tiny_checkpoint_transcribes_phone_speech_through_the_real_path(model_dir, fmt):
    model = get_model("tiny-test", str(model_dir))
    result = transcribe(model, mf.audio_bytes(fmt, speech=True), model_name="tiny-test",
                        condition_on_previous_text=False, temperature=0.0, sample_len=8)
    assert result["model"] == "tiny-test" and result["language"] == "zh"
    assert result["duration"] > 1.0
    assert isinstance(result["text"], str) and isinstance(result["segments"], list)
    assert isinstance(result["low_confidence"], bool)
