"""Tests for nlp.transcribe with tiny random-weight checkpoints (structure, not content)."""

import math
import pickle

import numpy as np
import pytest
import torch
import whisper
from .audio_helpers import encode, tones
from .conftest import save_checkpoint

from nlp import transcribe as tr

@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Decode with one intra-op thread: tiny models gain nothing from more, and on a busy
    host extra threads oversubscribe the CPU (ten times slower here)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


FAST = {"temperature": 0.0, "sample_len": 8}  # random weights: keep decoding short
AUDIO = tones([(None, 0.6), (440, 0.8), (None, 0.2), (660, 0.6), (None, 0.8)])


def test_checkpoint_format_is_what_whisper_reads(model_dir):
    checkpoint = torch.load(model_dir / "tiny-test.pt", weights_only=True)
    assert set(checkpoint) == {"dims", "model_state_dict"}
    # alignment_heads is a non-persistent buffer, so it is not in the state dict.
    assert "alignment_heads" not in checkpoint["model_state_dict"]


def test_resolve_by_name_and_by_path(model_dir):
    path = tr.resolve_checkpoint("tiny-test", str(model_dir))
    assert path.endswith("tiny-test.pt")
    assert tr.resolve_checkpoint(path, None) == path
    assert tr.resolve_checkpoint("tiny-test.pt", str(model_dir)) == path


def test_resolve_uses_whisper_cache_names_for_aliases(tmp_path):
    (tmp_path / "large-v3-turbo.pt").write_bytes(b"")
    assert tr.resolve_checkpoint("turbo", str(tmp_path)).endswith("large-v3-turbo.pt")
    assert tr.resolve_checkpoint("large-v3-turbo", str(tmp_path)).endswith("large-v3-turbo.pt")


def test_missing_model_names_model_and_folder(tmp_path, monkeypatch):
    with pytest.raises(tr.ModelUnavailable) as err:
        tr.load_model("small", model_dir=str(tmp_path))
    assert "small" in str(err.value) and str(tmp_path) in str(err.value)
    assert err.value.model == "small" and err.value.folder == str(tmp_path)
    # Without a folder, whisper's own cache folder is searched, never the network.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(tr.ModelUnavailable) as err:
        tr.resolve_checkpoint("small", None)
    assert str(tmp_path / "cache" / "whisper") in str(err.value)
    assert isinstance(err.value, RuntimeError)
    copy = pickle.loads(pickle.dumps(err.value))
    assert str(copy) == str(err.value) and copy.model == "small"


def test_load_by_name_and_by_path(model_dir):
    by_name = tr.load_model("tiny-test", model_dir=str(model_dir))
    by_path = tr.load_model(str(model_dir / "tiny-test.pt"), device="cpu")
    for model in (by_name, by_path):
        assert isinstance(model, whisper.model.Whisper)
        assert model.dims.n_text_state == 64 and model.device.type == "cpu"
        assert not model.training
    assert torch.equal(by_name.decoder.ln.weight, by_path.decoder.ln.weight)


def test_known_name_gets_official_alignment_heads(tmp_path):
    # Same decoder shape as the official "tiny" (4 layers x 6 heads), but a small state.
    save_checkpoint(tmp_path / "tiny.pt", n_text_layer=4, n_text_head=6, n_text_state=48,
                    n_audio_state=48, n_audio_head=6)
    model = tr.load_model("tiny", model_dir=str(tmp_path))
    reference = whisper.model.Whisper(model.dims)
    reference.set_alignment_heads(whisper._ALIGNMENT_HEADS["tiny"])
    assert torch.equal(model.alignment_heads.to_dense(), reference.alignment_heads.to_dense())
    # Whisper's default (last half of the layers, all heads) differs from the official set.
    default = whisper.model.Whisper(model.dims).alignment_heads.to_dense()
    assert not torch.equal(model.alignment_heads.to_dense(), default)


def test_known_name_with_other_shape_keeps_default_heads(tmp_path):
    save_checkpoint(tmp_path / "small.pt")
    model = tr.load_model("small", model_dir=str(tmp_path))
    assert model.alignment_heads.to_dense().shape == (1, 1)


def test_quantize_makes_linear_layers_dynamic_int8(model_dir):
    plain = tr.load_model("tiny-test", model_dir=str(model_dir))
    n_linear = sum(isinstance(m, torch.nn.Linear) for m in plain.modules())
    assert n_linear > 0
    quantized = tr.load_model("tiny-test", model_dir=str(model_dir), quantize=True)
    dynamic = [m for m in quantized.modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]
    assert len(dynamic) == n_linear + 1  # and the logits projection
    assert not any(isinstance(m, torch.nn.Linear) for m in quantized.modules())
    assert all(m.weight().dtype == torch.qint8 for m in dynamic)


def test_get_model_caches_per_path_device_and_quantize(model_dir):
    a = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    b = tr.get_model(str(model_dir / "tiny-test.pt"), device="cpu")
    c = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu", quantize=True)
    assert a is b
    assert c is not a


def _check_structure(result, duration):
    assert set(result) == {"text", "segments", "language", "avg_logprob", "no_speech_prob",
                           "duration", "model", "low_confidence"}
    assert isinstance(result["text"], str)
    assert result["language"] == "zh" and result["model"] == "tiny-test"
    assert result["duration"] == pytest.approx(duration, abs=0.05)
    assert isinstance(result["low_confidence"], bool)
    for seg in result["segments"]:
        assert set(seg) == {"start", "end", "text", "avg_logprob", "no_speech_prob"}
        assert 0.0 <= seg["start"] <= seg["end"]
        assert isinstance(seg["text"], str)
        assert all(isinstance(seg[k], float) for k in ("start", "end", "avg_logprob", "no_speech_prob"))
    if result["segments"]:
        assert isinstance(result["avg_logprob"], float) and math.isfinite(result["avg_logprob"])
        assert result["no_speech_prob"] == max(s["no_speech_prob"] for s in result["segments"])
        expected_low = (not result["text"] or result["avg_logprob"] < -1.0
                        or result["no_speech_prob"] > 0.6)
        assert result["low_confidence"] == expected_low


def test_transcribe_array(model_dir):
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    result = tr.transcribe(model, AUDIO, "tiny-test", **FAST)
    _check_structure(result, len(AUDIO) / 16000)


def test_transcribe_ogg_bytes_trims_silence(model_dir):
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    result = tr.transcribe(model, encode(AUDIO, fmt="ogg"), "tiny-test", **FAST)
    # Voiced 0.6-2.2 s plus 0.2 s pad on each side.
    _check_structure(result, 1.6 + 0.4)


def test_transcribe_silence_skips_the_model():
    result = tr.transcribe(None, np.zeros(0, np.float32), "tiny-test")
    assert result["text"] == "" and result["segments"] == [] and result["duration"] == 0.0
    assert result["low_confidence"] is True and result["avg_logprob"] is None


def test_transcribe_passes_chinese_defaults_and_aggregates(model_dir, monkeypatch):
    seen = {}

    def fake(model, audio, **kwargs):
        seen.update(kwargs)
        return {"text": "這裡有煤氣洩漏", "language": "zh", "segments": [
            {"start": 0.0, "end": 3.0, "text": "這裡有", "avg_logprob": -0.2, "no_speech_prob": 0.1},
            {"start": 3.0, "end": 4.0, "text": "煤氣洩漏", "avg_logprob": -1.0, "no_speech_prob": 0.3},
        ]}

    monkeypatch.setattr(whisper, "transcribe", fake)
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    result = tr.transcribe(model, AUDIO, "tiny-test")
    assert seen["language"] == "zh" and seen["fp16"] is False
    assert seen["condition_on_previous_text"] is False
    assert seen["temperature"] == (0.0, 0.2, 0.4)
    assert seen["initial_prompt"].startswith("以下是普通话的句子")
    assert (seen["no_speech_threshold"], seen["logprob_threshold"],
            seen["compression_ratio_threshold"]) == (0.6, -1.0, 2.4)
    assert result["text"] == "这里有煤气泄漏"
    assert [s["text"] for s in result["segments"]] == ["这里有", "煤气泄漏"]
    assert result["avg_logprob"] == pytest.approx((-0.2 * 3 + -1.0 * 1) / 4)
    assert result["no_speech_prob"] == pytest.approx(0.3)
    assert result["low_confidence"] is False


@pytest.mark.parametrize("segment, low", [
    ({"avg_logprob": -1.5, "no_speech_prob": 0.1, "text": "有"}, True),
    ({"avg_logprob": -0.3, "no_speech_prob": 0.9, "text": "有"}, True),
    ({"avg_logprob": -0.3, "no_speech_prob": 0.1, "text": ""}, True),
    ({"avg_logprob": -0.3, "no_speech_prob": 0.1, "text": "有"}, False),
])
def test_low_confidence_rules(model_dir, monkeypatch, segment, low):
    seg = {"start": 0.0, "end": 2.0, **segment}
    monkeypatch.setattr(whisper, "transcribe",
                        lambda model, audio, **kw: {"text": seg["text"], "language": "zh", "segments": [seg]})
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    assert tr.transcribe(model, AUDIO, "tiny-test")["low_confidence"] is low


def test_silent_model_with_full_defaults_gives_empty_low_confidence(model_dir):
    model = tr.get_model("tiny-silent", model_dir=str(model_dir), device="cpu")
    result = tr.transcribe(model, AUDIO, "tiny-silent")
    assert result["text"] == "" and result["low_confidence"] is True
    assert result["model"] == "tiny-silent"
    assert all(seg["text"] == "" for seg in result["segments"])


@pytest.mark.slow
def test_transcribe_with_default_fallback_quantized(model_dir):
    # The default options (prompt, temperature fallback, thresholds), only a shorter sample_len:
    # random weights never emit end-of-text, so each temperature runs to sample_len tokens.
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu", quantize=True)
    result = tr.transcribe(model, AUDIO[: 16000 * 2], "tiny-test", sample_len=24)
    _check_structure(result, 2.0)


def test_fallback_temperatures_share_one_encoder_pass(model_dir):
    # Random weights babble until sample_len, too repetitive, so all three temperatures run.
    model = tr.get_model("tiny-test", model_dir=str(model_dir), device="cpu")
    passes = []
    hook = model.encoder.conv1.register_forward_hook(lambda *_: passes.append(1))
    try:
        torch.manual_seed(0)
        ours = tr.transcribe(model, AUDIO, "tiny-test", sample_len=24)
        ours_passes, passes[:] = len(passes), []
        torch.manual_seed(0)
        options = {**tr.DEFAULT_OPTIONS, "language": "zh", "fp16": False, "sample_len": 24}
        plain = whisper.transcribe(model, AUDIO, verbose=None, **options)
    finally:
        hook.remove()
    assert len(passes) == 3 and ours_passes == 1
    assert ours["text"] == tr.normalise(plain["text"])
    assert [s["avg_logprob"] for s in ours["segments"]] == pytest.approx([s["avg_logprob"] for s in plain["segments"]])
    assert "forward" not in vars(model.encoder)  # the shortcut is gone after the call
