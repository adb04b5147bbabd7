"""Media handling for uploads: photo cleaning, voice-note checks and blob storage (no Flask)."""

from .audio import AudioInfo, probe_audio, sniff_container
from .errors import MediaError
from .images import ProcessedPhoto, process_photo
from .storage import LocalStorage, Storage, make_key, validate_key

__all__ = [
    "AudioInfo",
    "LocalStorage",
    "MediaError",
    "ProcessedPhoto",
    "Storage",
    "make_key",
    "probe_audio",
    "process_photo",
    "sniff_container",
    "validate_key",
]
