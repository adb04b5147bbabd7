"""int8 dynamic quantization of a whisper model for CPU inference."""

import warnings

import torch
import whisper.model
from torch import nn
from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic


class Int8LogitsTextDecoder(whisper.model.TextDecoder):
    """A TextDecoder whose output projection (the tied token embedding) is an int8 Linear.

    whisper computes logits as a plain matmul with the 51865 x n_state embedding, which
    quantize_dynamic cannot see; on CPU that fp32 matrix-vector product is the largest cost
    of every decoding step (it reads the whole embedding), so it gets its own int8 Linear.
    """

    logits_proj: nn.Module

    def forward(self, x: torch.Tensor, xa: torch.Tensor, kv_cache: dict | None = None):
        """Run whisper's TextDecoder.forward, with the final projection through logits_proj."""
        offset = next(iter(kv_cache.values())).shape[1] if kv_cache else 0
        x = self.token_embedding(x) + self.positional_embedding[offset : offset + x.shape[-1]]
        x = x.to(xa.dtype)
        for block in self.blocks:
            x = block(x, xa, mask=self.mask, kv_cache=kv_cache)
        x = self.ln(x)
        return self.logits_proj(x).float()


def _logits_projection(embedding: torch.Tensor) -> nn.Module:
    """Return an int8 Linear computing x @ embedding.T, quantized per output row (token)."""
    linear = nn.Linear(embedding.shape[1], embedding.shape[0], bias=False)
    linear.weight = nn.Parameter(embedding.detach().float().clone(), requires_grad=False)
    return quantize_dynamic(nn.Sequential(linear), {nn.Linear: per_channel_dynamic_qconfig})[0]


def quantize(model: whisper.model.Whisper) -> whisper.model.Whisper:
    """Return a copy of model with Linear layers and the logits projection dynamically int8."""
    # whisper uses its own nn.Linear subclass, which quantize_dynamic matches by exact
    # type and so would skip; on CPU in float32 the plain nn.Linear forward is identical.
    for module in model.modules():
        if type(module) is whisper.model.Linear:
            module.__class__ = nn.Linear
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated")
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor")
        warnings.filterwarnings("ignore", message=r"(?s).*migrate to use torchao")
        quantized = quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
        projection = _logits_projection(quantized.decoder.token_embedding.weight)
    quantized.decoder.__class__ = Int8LogitsTextDecoder
    quantized.decoder.logits_proj = projection
    return quantized
