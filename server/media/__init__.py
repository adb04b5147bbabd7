"""Media handling for uploads: photo cleaning, voice-note checks, metadata stripping and blob storage (no Flask)."""

from server.media.audio import AudioInfo, probe_audio, sniff_container
from server.media.errors import MediaError
from server.media.images import ProcessedPhoto, process_photo
from server.media.remux import Cleaned, strip_audio, strip_video
from server.media.storage import LocalStorage, Storage, make_key, validate_key

__all__ = [
    "AudioInfo",
    "Cleaned",
    "LocalStorage",
    "MediaError",
    "ProcessedPhoto",
    "Storage",
    "make_key",
    "probe_audio",
    "process_photo",
    "sniff_container",
    "strip_audio",
    "strip_video",
    "validate_key",
]
