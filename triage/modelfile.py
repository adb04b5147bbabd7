"""The model file: a small header checked before the joblib-compressed pipeline is unpickled."""

import io
import os
import pickle

import joblib
import sklearn

# Bump when the saved layout or the meaning of a saved pipeline changes.
FORMAT_VERSION = 1
FORMAT_NAME = "gridwatch-triage-model"


class ModelError(Exception):
    """A model file that cannot be used: missing, unreadable, or from another version."""


def write(path, pipeline, meta: dict) -> None:
    """Write the header and the compressed pipeline, creating the parent folder."""
    header = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
              "sklearn_version": sklearn.__version__, "meta": meta}
    buf = io.BytesIO()
    joblib.dump(pipeline, buf, compress=3)
    parent = os.path.dirname(os.fspath(path))
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(header, f, protocol=pickle.HIGHEST_PROTOCOL)
        f.write(buf.getvalue())


def read_header(path) -> dict:
    """Return the header of a model file, or raise ModelError."""
    try:
        with open(path, "rb") as f:
            header = pickle.load(f)
    except FileNotFoundError:
        raise ModelError(f"model file not found: {path}") from None
    except IsADirectoryError:
        raise ModelError(f"model path is a folder, not a file: {path}") from None
    except Exception as exc:  # anything unpickling arbitrary bytes can raise
        raise ModelError(f"not a GridWatch triage model: {path} ({exc.__class__.__name__})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ModelError(f"not a GridWatch triage model: {path}")
    return header


def read(path) -> tuple[object, dict]:
    """Return the pipeline and metadata of a model file; raise ModelError on any mismatch."""
    header = read_header(path)
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{path} has model format {header.get('format_version')}, this GridWatch reads "
                         f"format {FORMAT_VERSION}; retrain it with `gridwatch triage train`")
    saved = header.get("sklearn_version")
    if saved != sklearn.__version__:
        raise ModelError(f"{path} was trained with scikit-learn {saved}, but {sklearn.__version__} is "
                         f"installed; retrain it with `gridwatch triage train` or install scikit-learn=={saved}")
    with open(path, "rb") as f:
        pickle.load(f)  # skip the header
        try:
            pipeline = joblib.load(f)
        except Exception as exc:  # a truncated or corrupted payload
            raise ModelError(f"cannot read the model in {path}: {exc.__class__.__name__}: {exc}") from None
    return pipeline, header.get("meta", {})
