"""Fixtures for the nlp tests: tiny whisper checkpoints built with whisper's own classes."""

import pytest

TINY_DIMS = dict(
    n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=1, n_audio_layer=1,
    n_vocab=51865, n_text_ctx=448, n_text_state=64, n_text_head=1, n_text_layer=1,
)


def save_checkpoint(path, **overrides):
    """Write a randomly initialised whisper checkpoint in the format whisper.load_model reads."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(**{**TINY_DIMS, **overrides})
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, path)
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A folder holding tiny-test.pt."""
    folder = tmp_path_factory.mktemp("whisper-models")
    save_checkpoint(folder / "tiny-test.pt")
    return folder
