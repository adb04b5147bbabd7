"""Copy a recording or a video into a fresh container without its metadata (tags, chapters, cover art, data).

Phones and editors write the owner's name, a comment, the place (QuickTime ``©xyz``), the device, chapters and
cover art into the container. Photos are re-encoded without EXIF; recordings and videos are remuxed here: the
audio and video packets are copied unchanged (no re-encoding, no quality loss) into a new container of the same
kind that carries no tags, no chapters and only the one audio (and, for video, one video) stream. A recording that
cannot be copied that way is re-encoded to AAC in an M4A instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av

from server.media.errors import MediaError

# Our audio container kind -> (demuxer, muxer, muxer options). ``bitexact`` leaves out FFmpeg's version tags.
_AUDIO_MUXERS = {
    "m4a": ("mov", "ipod", {}),
    "3gp": ("mov", "3gp", {}),
    "ogg": ("ogg", "ogg", {}),
    "webm": ("matroska", "webm", {}),
    "mp3": ("mp3", "mp3", {"id3v2_version": "0", "write_id3v1": "0"}),
    "wav": ("wav", "wav", {}),
    "amr": ("amr", "amr", {}),
    "awb": ("amr", "amr", {}),
    "aac": ("aac", "adts", {}),
}
_BITEXACT = {"fflags": "+bitexact"}


@dataclass(frozen=True)
class Cleaned:
    """Bytes without metadata, and how to store them."""

    data: bytes
    mime: str
    ext: str


def strip_audio(data: bytes, kind: str, mime: str, ext: str) -> Cleaned:
    """The recording's audio stream alone in a new container of the same kind; AAC in M4A if it cannot be copied."""
    demuxer, muxer, options = _AUDIO_MUXERS[kind]
    try:
        return Cleaned(_remux(data, demuxer, muxer, options, video=False), mime, ext)
    except Exception:  # a stream this muxer cannot take as it is: re-encode (still nothing but sound)
        pass
    try:
        return Cleaned(_reencode_aac(data, demuxer), "audio/mp4", "m4a")
    except Exception as exc:
        raise MediaError(422, "not_audio", "The recording could not be processed. Send M4A, 3GP, OGG, WebM, "
                                           "MP3 or WAV audio.") from exc


def strip_video(data: bytes) -> bytes:
    """The first video stream (and first audio stream, if any) copied into a new MP4 with no metadata."""
    for muxer in ("mp4", "mov"):
        try:
            return _remux(data, "mov", muxer, {}, video=True)
        except Exception:
            continue
    raise MediaError(422, "not_video", "The video could not be processed. Send the video as MP4 (H.264).")


def _streams(container, video: bool) -> list:
    """The streams kept: the first real video stream when wanted, and the first audio stream."""
    kept = []
    if video:
        pictures = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if not pictures:
            raise ValueError("no video stream")
        kept.append(pictures[0])
    if container.streams.audio:
        kept.append(container.streams.audio[0])
    if not kept:
        raise ValueError("no audio stream")
    return kept


def _remux(data: bytes, demuxer: str, muxer: str, options: dict, *, video: bool) -> bytes:
    """Copy the kept streams' packets into a new container without any tags, chapters or other streams."""
    buf = io.BytesIO()
    with av.open(io.BytesIO(data), format=demuxer) as src:
        kept = _streams(src, video)
        with av.open(buf, "w", format=muxer, container_options={**_BITEXACT, **options}) as out:
            mapping = {}
            for stream in kept:
                copy = out.add_stream_from_template(stream)
                copy.metadata.clear()
                copy.disposition = av.stream.Disposition.default
                mapping[stream.index] = copy
            out.metadata.clear()
            for packet in src.demux(kept):
                if packet.dts is None and packet.pts is None:  # the demuxer's end-of-stream marker
                    continue
                packet.stream = mapping[packet.stream.index]
                out.mux(packet)
    return buf.getvalue()


def _reencode_aac(data: bytes, demuxer: str) -> bytes:
    """Decode the first audio stream and encode it as AAC in an M4A without tags."""
    buf = io.BytesIO()
    with av.open(io.BytesIO(data), format=demuxer) as src:
        stream = src.streams.audio[0]
        with av.open(buf, "w", format="ipod", container_options=dict(_BITEXACT)) as out:
            ctx = stream.codec_context
            layout = "stereo" if (ctx.channels or 1) > 1 else "mono"
            rate = ctx.sample_rate or 44100
            enc = out.add_stream("aac", rate=rate, layout=layout)
            resampler = av.AudioResampler(format=enc.codec_context.format, layout=layout, rate=rate)
            for frame in src.decode(stream):
                frame.pts = None
                for part in resampler.resample(frame):
                    for packet in enc.encode(part):
                        out.mux(packet)
            for part in resampler.resample(None):
                for packet in enc.encode(part):
                    out.mux(packet)
            for packet in enc.encode(None):
                out.mux(packet)
    return buf.getvalue()
