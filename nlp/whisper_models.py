"""Local whisper checkpoints: finding, loading, quantizing and caching models (never downloads)."""

import os
import threading

_models: dict = {}
_models_lock = threading.Lock()


class ModelUnavailable(RuntimeError):
    """Raised when no local checkpoint exists for the requested model."""

    def __init__(self, model: str, folder: str):
        """Remember the model and folder and build the message."""
        super().__init__(
            f"whisper model {model!r} is not available: no checkpoint found in {folder!r} "
            "(models are never downloaded; place the .pt file there)"
        )
        self.model = model
        self.folder = folder

    def __reduce__(self):
        """Pickle with the constructor's arguments (job queues pickle exceptions)."""
        return (type(self), (self.model, self.folder))


def default_model_dir() -> str:
    """Return whisper's own cache folder ($XDG_CACHE_HOME/whisper or ~/.cache/whisper)."""
    base = os.getenv("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "whisper")


def _file_names(name: str) -> list[str]:
    """Return the checkpoint file names whisper's cache uses for a model name."""
    import whisper

    names = [name if name.endswith(".pt") else f"{name}.pt"]
    url = whisper._MODELS.get(name)
    if url and os.path.basename(url) not in names:
        names.append(os.path.basename(url))  # e.g. "turbo" is cached as large-v3-turbo.pt
    return names


def resolve_checkpoint(name_or_path: str, model_dir: str | None) -> str:
    """Return the checkpoint path for an existing file or {model_dir}/{name}.pt, else raise."""
    if os.path.isfile(name_or_path):
        return name_or_path
    folder = model_dir or default_model_dir()
    if os.sep in name_or_path or (os.altsep and os.altsep in name_or_path):
        raise ModelUnavailable(name_or_path, os.path.dirname(name_or_path) or folder)
    for file_name in _file_names(name_or_path):
        path = os.path.join(folder, file_name)
        if os.path.isfile(path):
            return path
    raise ModelUnavailable(name_or_path, folder)


def _set_known_alignment_heads(model, path: str) -> None:
    """Restore official alignment heads, which whisper skips when loading from a path."""
    import whisper

    stem = os.path.splitext(os.path.basename(path))[0]
    dump = whisper._ALIGNMENT_HEADS.get(stem)
    if dump is not None:
        try:
            model.set_alignment_heads(dump)
        except (ValueError, RuntimeError):
            pass  # same file name, different dimensions: keep whisper's default heads


def _quantize(model):
    """Return a copy of model with Linear layers and the logits projection dynamically int8."""
    from nlp.whisper_int8 import quantize  # lazy: torch loads only when a model is quantised

    return quantize(model)


def load_model(name_or_path: str, model_dir: str | None = None, device: str | None = None, quantize: bool = False):
    """Load a whisper model from a local checkpoint; quantize applies on CPU only."""
    import torch
    import whisper

    path = resolve_checkpoint(name_or_path, model_dir)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    model = whisper.load_model(path, device=device, download_root=os.path.dirname(path) or None)
    _set_known_alignment_heads(model, path)
    model.eval()
    if quantize and torch.device(device).type == "cpu":
        model = _quantize(model)
    return model


def get_model(name_or_path: str, model_dir: str | None = None, device: str | None = None, quantize: bool = False):
    """Return a process-wide cached model keyed by (checkpoint path, device, quantize)."""
    import torch

    path = os.path.abspath(resolve_checkpoint(name_or_path, model_dir))
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    key = (path, device, bool(quantize))
    with _models_lock:
        if key not in _models:
            _models[key] = load_model(path, device=device, quantize=quantize)
        return _models[key]
