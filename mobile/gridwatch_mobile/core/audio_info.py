"""How long a recording is, read from the file (mutagen for compressed formats, the wave module for WAV)."""
import logging
import wave

log = logging.getLogger(__name__)


def duration_seconds(path: str) -> float | None:
    """The recording's length in seconds, or None when the file says nothing readable."""
    try:
        with wave.open(path, "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (wave.Error, EOFError, OSError):
        pass
    try:
        import mutagen
        info = mutagen.File(path)
    except Exception as exc:  # mutagen raises its own errors on damaged or unknown files
        log.info("no duration for %s: %s", path, exc)
        return None
    length = getattr(getattr(info, "info", None), "length", None)
    return float(length) if length else None


def duration_text(seconds: float | None, tr) -> str | None:
    """``1分05秒`` / ``12秒`` in the app's language, None when unknown."""
    if seconds is None:
        return None
    total = max(1, round(seconds))
    minutes, rest = divmod(total, 60)
    return tr("voice.duration", m=minutes, s=f"{rest:02d}") if minutes else tr("voice.seconds", s=rest)
