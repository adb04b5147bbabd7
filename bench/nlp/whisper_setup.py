"""Fixtures for the transcription benchmark: spoken Chinese and random-weight whisper checkpoints."""

import os
import shutil
import subprocess

import numpy as np

SPEECH = "桂花园小区七栋楼道里煤气味很重，请尽快派人来检查。"  # about 9-10 s from espeak-ng
SHAPES = {  # whisper's tiny and base dimensions
    "tiny": dict(n_audio_state=384, n_audio_head=6, n_audio_layer=4, n_text_state=384, n_text_head=6, n_text_layer=4),
    "base": dict(n_audio_state=512, n_audio_head=8, n_audio_layer=6, n_text_state=512, n_text_head=8, n_text_layer=6),
}
COMMON_DIMS = dict(n_mels=80, n_audio_ctx=1500, n_vocab=51865, n_text_ctx=448)
BABBLE_TOKEN = "去"


def speech(folder: str) -> tuple[np.ndarray, str]:
    """Return about 10 s of 16 kHz audio (espeak-ng Mandarin, else tones) and its source."""
    from nlp.audio import SAMPLE_RATE, decode_audio

    if shutil.which("espeak-ng"):
        path = os.path.join(folder, "speech.wav")
        done = subprocess.run(["espeak-ng", "-v", "cmn", "-w", path, SPEECH], capture_output=True)
        if done.returncode == 0:
            return decode_audio(path), f"espeak-ng cmn: {SPEECH}"
    t = np.arange(10 * SAMPLE_RATE) / SAMPLE_RATE
    freq = 220 + 180 * (np.floor(t * 3) % 5)  # a new pitch every third of a second
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), "tones (espeak-ng not available)"


def build_checkpoints(folder: str, shape: str) -> dict[str, str]:
    """Write random-weight checkpoints of a shape: "babble" never ends a text, "silent" ends it at once.

    Both force the decoder's output to a constant (final layer norm weight zero, bias a unit
    vector d): babble gives one text token the embedding 50*d so that greedy decoding repeats it
    until sample_len; silent gives end-of-text that embedding. All layers still run in full.
    """
    import torch
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer

    torch.manual_seed(0)
    dims = ModelDimensions(**COMMON_DIMS, **SHAPES[shape])
    model = Whisper(dims)
    torch.nn.init.normal_(model.decoder.positional_embedding, std=0.02)
    tokenizer = get_tokenizer(model.is_multilingual, num_languages=model.num_languages)
    direction = torch.nn.functional.normalize(torch.randn(dims.n_text_state), dim=0)
    emb = model.decoder.token_embedding.weight
    paths = {}
    with torch.no_grad():
        model.decoder.ln.weight.zero_()
        model.decoder.ln.bias.copy_(direction)
        for kind, token in (("babble", tokenizer.encode(BABBLE_TOKEN)[0]), ("silent", tokenizer.eot)):
            saved = emb[token].clone()
            emb[token] = 50 * direction
            paths[kind] = os.path.join(folder, f"{shape}-{kind}.pt")
            torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, paths[kind])
            emb[token] = saved
    return paths


class Counter:
    """Count encoder passes and decoder steps (one step per decoded token) through forward hooks."""

    def __init__(self, model):
        """Attach the hooks (on the encoder's first convolution: passes actually computed)."""
        self.encoder = self.decoder = 0
        self._hooks = [model.encoder.conv1.register_forward_hook(self._enc),
                       model.decoder.register_forward_hook(self._dec)]

    def _enc(self, *_):
        """Count one encoder pass."""
        self.encoder += 1

    def _dec(self, *_):
        """Count one decoder step."""
        self.decoder += 1

    def reset(self):
        """Start counting again."""
        self.encoder = self.decoder = 0

    def close(self):
        """Remove the hooks."""
        for hook in self._hooks:
            hook.remove()
