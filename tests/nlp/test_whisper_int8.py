"""Tests for the int8 whisper decoder with a quantized logits projection."""

import torch

from nlp import transcribe as tr
from nlp.whisper_int8 import Int8LogitsTextDecoder


def _inputs(model):
    """Return text tokens and audio features of the right shapes."""
    torch.manual_seed(1)
    tokens = torch.tensor([[50258, 50260, 50359, 50363]])
    xa = torch.randn(1, model.dims.n_audio_ctx, model.dims.n_audio_state)
    return tokens, xa


def test_forward_matches_whisper_when_the_projection_is_exact(model_dir):
    model = tr.load_model("tiny-test", model_dir=str(model_dir), device="cpu")
    tokens, xa = _inputs(model)
    with torch.no_grad():
        expected = model.decoder(tokens, xa)
        weight = model.decoder.token_embedding.weight
        model.decoder.__class__ = Int8LogitsTextDecoder
        model.decoder.logits_proj = lambda x: x @ weight.T
        assert torch.allclose(model.decoder(tokens, xa), expected, atol=1e-5)
        # With a key/value cache, as whisper decodes step by step.
        cache, hooks = model.install_kv_cache_hooks()
        model.decoder(tokens[:, :3], xa, kv_cache=cache)
        step = model.decoder(tokens[:, 3:], xa, kv_cache=cache)
        for hook in hooks:
            hook.remove()
    assert torch.allclose(step[0, -1], expected[0, -1], atol=1e-4)


def test_quantized_model_uses_int8_logits_close_to_float(model_dir):
    plain = tr.load_model("tiny-test", model_dir=str(model_dir), device="cpu")
    quantized = tr.load_model("tiny-test", model_dir=str(model_dir), device="cpu", quantize=True)
    assert isinstance(quantized.decoder, Int8LogitsTextDecoder)
    assert isinstance(quantized.decoder.logits_proj, torch.ao.nn.quantized.dynamic.Linear)
    tokens, xa = _inputs(plain)
    with torch.no_grad():
        a = plain.decoder(tokens, xa)
        b = quantized.decoder(tokens, xa)
    assert b.dtype == torch.float32 and b.shape == a.shape
    assert torch.corrcoef(torch.stack([a.flatten(), b.flatten()]))[0, 1] > 0.99
