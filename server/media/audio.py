"""Check that an uploaded voice note is real, decodable audio of acceptable length."""

from __future__ import annotations

import io
from dataclasses import dataclass

import av

from server.media.errors import MediaError, empty_file, too_large

av.logging.set_level(None)  # keep FFmpeg's own log output off (PyAV's default, made explicit)

# Seconds of audio actually decoded to prove the file is audio; the rest is only demuxed.
DECODE_SECONDS = 2.0
# Codecs phones and browsers record with (FFmpeg codec names).
_CODECS = {
    "aac", "alac", "amr_nb", "amr_wb", "opus", "vorbis", "flac", "mp3",
    "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_u8", "pcm_f32le", "pcm_mulaw", "pcm_alaw",
}  # fmt: skip
# Our container kind -> (FFmpeg demuxer, mime, ext).
_CONTAINERS = {
    "m4a": ("mov", "audio/mp4", "m4a"),
    "3gp": ("mov", "audio/3gpp", "3gp"),
    "ogg": ("ogg", "audio/ogg", "ogg"),
    "webm": ("matroska", "audio/webm", "webm"),
    "mp3": ("mp3", "audio/mpeg", "mp3"),
    "wav": ("wav", "audio/wav", "wav"),
    "amr": ("amr", "audio/amr", "amr"),
    "awb": ("amr", "audio/amr-wb", "awb"),
    "aac": ("aac", "audio/aac", "aac"),
}


@dataclass(frozen=True)
class AudioInfo:
    """Facts about an accepted recording; the original bytes are stored unchanged."""

    duration: float
    container: str
    codec: str
    mime: str
    ext: str
    sample_rate: int
    channels: int


def probe_audio(data: bytes, *, max_bytes: int, max_seconds: float = 300.0) -> AudioInfo:
    """Sniff the container, decode the first seconds and measure the duration; raise MediaError if unfit."""
    if not data:
        raise empty_file("voice recording")
    if len(data) > max_bytes:
        raise too_large("voice recording", len(data), max_bytes)
    kind = sniff_container(data)
    if kind is None:
        raise _not_audio()
    demuxer, mime, ext = _CONTAINERS[kind]
    try:
        with av.open(io.BytesIO(data), format=demuxer) as container:
            info = _inspect(container, kind, mime, ext, max_seconds)
    except MediaError:
        raise
    except Exception as exc:  # any FFmpeg/PyAV failure on untrusted bytes
        raise _not_audio("The recording is damaged or incomplete and cannot be played.") from exc
    return info


def sniff_container(data: bytes) -> str | None:
    """Our container kind from magic bytes, or None; only these demuxers are ever handed the data."""
    head = data[:64]
    if head[4:8] == b"ftyp":
        return "3gp" if head[8:10] == b"3g" else "m4a"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:48] else None
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"#!AMR-WB\n"):
        return "awb"
    if head.startswith(b"#!AMR\n"):
        return "amr"
    offset = _id3_size(data)
    sync = data[offset : offset + 2]
    if len(sync) == 2 and sync[0] == 0xFF and sync[1] & 0xE0 == 0xE0:
        return "aac" if sync[1] & 0x06 == 0 else "mp3"
    return None


def _id3_size(data: bytes) -> int:
    """Length of a leading ID3v2 tag (0 if none)."""
    if not data.startswith(b"ID3") or len(data) < 10:
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _inspect(container, kind: str, mime: str, ext: str, max_seconds: float) -> AudioInfo:
    """Check streams, decode the start, and measure the audio stream's length."""
    if not container.streams.audio:
        raise _not_audio("The file has no audio in it.")
    if any(not _is_cover_art(s) for s in container.streams.video):
        raise _not_audio("The file contains video. Send a voice recording.")
    stream = container.streams.audio[0]
    codec = stream.codec_context.codec.canonical_name
    if codec not in _CODECS:
        raise MediaError(422, "unsupported_audio_type", f"Audio encoded as {codec} is not accepted.")
    measured = _measure(container, stream, max_seconds)
    duration = measured.duration
    if duration is None:
        duration = _header_duration(container, stream)
    if duration is None or duration <= 0:
        raise MediaError(422, "empty_audio", "The recording has no sound in it (its length is zero).")
    if duration > max_seconds:
        raise MediaError(
            422,
            "audio_too_long",
            f"The recording is {duration:.0f} seconds long; the limit is {max_seconds:.0f} seconds.",
        )
    return AudioInfo(
        duration=round(duration, 3),
        container=kind,
        codec=codec,
        mime=mime,
        ext=ext,
        sample_rate=measured.sample_rate or stream.codec_context.sample_rate or 0,
        channels=measured.channels or stream.codec_context.channels or 0,
    )


def _is_cover_art(stream) -> bool:
    """Whether a video stream is only an attached picture (e.g. MP3 album art)."""
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


@dataclass
class _Measure:
    """What demuxing and partial decoding found out."""

    duration: float | None = None
    sample_rate: int = 0
    channels: int = 0


def _measure(container, stream, max_seconds: float) -> _Measure:
    """Demux every packet (cheap), decode only the first seconds, and derive the duration."""
    ctx = stream.codec_context
    tb = stream.time_base
    start = stream.start_time or 0
    end_pts = None  # furthest packet end seen, in stream time_base
    summed = 0  # sum of packet durations, for demuxers that leave pts unset
    decoded_samples = 0
    decoded_all = True
    packets = 0
    result = _Measure()
    for packet in container.demux(stream):
        if packet.size == 0:  # end-of-stream flush
            if decoded_all:
                decoded_samples += _decode(ctx, None, result)
            continue
        packets += 1
        if packet.pts is not None:
            end = packet.pts + (packet.duration or 0)
            end_pts = end if end_pts is None else max(end_pts, end)
        summed += packet.duration or 0
        untimed = packet.pts is None and not packet.duration
        early = result.sample_rate == 0 or decoded_samples < DECODE_SECONDS * result.sample_rate
        if untimed or (decoded_all and early):
            decoded_samples += _decode(ctx, packet, result)
        else:
            decoded_all = False
        if end_pts is not None and tb is not None and float((end_pts - start) * tb) > max_seconds + 1:
            return _Measure(float((end_pts - start) * tb), result.sample_rate, result.channels)
    if packets and decoded_samples == 0:
        raise _not_audio("The file could not be decoded as audio.")
    if not packets:
        return result
    if end_pts is not None and tb is not None:
        result.duration = float((end_pts - start) * tb)
    elif summed and tb is not None:
        result.duration = float(summed * tb)
    elif decoded_all and result.sample_rate:
        result.duration = decoded_samples / result.sample_rate
    return result


def _decode(ctx, packet, result: _Measure) -> int:
    """Decode one packet (or flush with None); record the format and return the sample count."""
    samples = 0
    for frame in ctx.decode(packet):
        samples += frame.samples
        if not result.sample_rate:
            result.sample_rate = frame.sample_rate
            result.channels = frame.layout.nb_channels
    return samples


def _header_duration(container, stream) -> float | None:
    """The duration the container or stream header claims, in seconds."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _not_audio(message: str = "The file is not an audio recording.") -> MediaError:
    """A 422 error for bytes that are not usable audio."""
    return MediaError(
        422,
        "not_audio",
        f"{message} Send M4A, 3GP, OGG, WebM, MP3 or WAV audio.",
    )
