"""Fixtures for the nlp tests: tiny whisper checkpoints built with whisper's own classes."""

import pytest

TINY_DIMS = dict(
    n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=1, n_audio_layer=1,
    n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=1, n_text_layer=1,
)


def save_checkpoint(path, silent: bool = False, **overrides):
    """Write a random tiny whisper checkpoint in the format whisper.load_model reads.

    silent=True makes the decoder predict end-of-text at once (an empty transcript in a
    fraction of a second even with the default options); otherwise it babbles until sample_len.
    """
    import torch
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer

    torch.manual_seed(0)
    dims = ModelDimensions(**{**TINY_DIMS, **overrides})
    model = Whisper(dims)
    # TextDecoder.positional_embedding is created with torch.empty (real checkpoints overwrite
    # it): left as is, it holds whatever memory had, sometimes NaN. Initialise it.
    torch.nn.init.normal_(model.decoder.positional_embedding, std=0.02)
    if silent:
        eot = get_tokenizer(model.is_multilingual, num_languages=model.num_languages).eot
        direction = torch.nn.functional.normalize(torch.randn(dims.n_text_state), dim=0)
        with torch.no_grad():
            model.decoder.ln.weight.zero_()  # the decoder output becomes the constant bias ...
            model.decoder.ln.bias.copy_(direction)
            model.decoder.token_embedding.weight[eot] = 50 * direction  # ... which scores EOT highest
    torch.save({"dims": dims.__dict__, "model_state_dict": model.state_dict()}, path)
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A folder holding tiny-test.pt (babbling) and tiny-silent.pt."""
    folder = tmp_path_factory.mktemp("whisper-models")
    save_checkpoint(folder / "tiny-test.pt")
    save_checkpoint(folder / "tiny-silent.pt", silent=True)
    return folder
