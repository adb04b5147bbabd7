"""Generated media samples (images and audio) for tests; every helper returns bytes."""

from __future__ import annotations

import functools
import io
import math
import struct
import wave
import zlib
from fractions import Fraction

import av
import numpy as np
from PIL import ExifTags, Image

SECRET_XMP_MARKER = "gridwatch-secret-xmp"
SECRET_COMMENT = b"gridwatch-secret-comment"
CAMERA_MODEL = "GridPhone 9 Secret"

# Audio format name -> (container format, codec, sample rate, layout, codec options).
_AUDIO_RECIPES = {
    "m4a": ("ipod", "aac", 44100, "mono", {}),
    "3gp": ("3gp", "libopencore_amrnb", 8000, "mono", {}),
    "ogg": ("ogg", "libopus", 48000, "mono", {}),
    "webm": ("webm", "libopus", 48000, "mono", {}),
    "mp3": ("mp3", "libmp3lame", 44100, "mono", {}),
    "wav": ("wav", "pcm_s16le", 16000, "mono", {}),
    "amr": ("amr", "libopencore_amrnb", 8000, "mono", {}),
    "aac": ("adts", "aac", 44100, "mono", {}),
    "ogg-vorbis": ("ogg", "vorbis", 44100, "stereo", {"strict": "experimental"}),
}
# Container options: "webm-live" mimics browser MediaRecorder files with no duration in the header.
_CONTAINER_OPTIONS = {"webm-live": {"live": "1"}}

TONE_SECONDS = 1.0
SILENCE_SECONDS = 1.0
AUDIO_SECONDS = TONE_SECONDS + SILENCE_SECONDS


def _gradient(size: tuple[int, int]) -> Image.Image:
    """An RGB test picture whose orientation is recognisable (red left, blue right)."""
    w, h = size
    im = Image.new("RGB", size, (255, 0, 0))
    im.paste((0, 0, 255), (w // 2, 0, w, h))
    im.paste((0, 255, 0), (0, 0, w // 4, h // 4))
    return im


@functools.lru_cache(maxsize=None)
def jpeg_with_exif(orientation: int = 6, gps: bool = True, size: tuple[int, int] = (40, 20)) -> bytes:
    """A JPEG carrying EXIF orientation, camera model, optional GPS, XMP and a comment."""
    im = _gradient(size)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    if gps:
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.5)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 17.25)
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"<rdf:Description>{SECRET_XMP_MARKER}</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes(), xmp=xmp, comment=SECRET_COMMENT)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def jpeg_bytes(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    """A plain JPEG without metadata (mode RGB, L or CMYK)."""
    im = _gradient(size).convert(mode)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def mpo_bytes() -> bytes:
    """A two-frame MPO (multi-picture JPEG, as some phone cameras write)."""
    frames = [_gradient((60, 40)), _gradient((60, 40)).transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    buf = io.BytesIO()
    frames[0].save(buf, "MPO", save_all=True, append_images=frames[1:])
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def png_bytes(size: tuple[int, int] = (50, 30), mode: str = "RGBA") -> bytes:
    """A PNG with a text chunk and (for RGBA) a transparent corner."""
    from PIL import PngImagePlugin

    im = _gradient(size).convert(mode)
    if mode == "RGBA":
        im.paste((0, 0, 0, 0), (0, 0, 5, 5))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET_COMMENT.decode())
    buf = io.BytesIO()
    im.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def webp_bytes(size: tuple[int, int] = (36, 24)) -> bytes:
    """A lossy WebP with EXIF (camera model) attached."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    buf = io.BytesIO()
    _gradient(size).save(buf, "WEBP", quality=80, exif=exif.tobytes())
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def gif_bytes() -> bytes:
    """A small GIF (a real image in a type that is not accepted)."""
    buf = io.BytesIO()
    _gradient((20, 10)).convert("P").save(buf, "GIF")
    return buf.getvalue()


def heic_header() -> bytes:
    """The start of an HEIC file (ISO-BMFF with an image brand), enough for type sniffing."""
    ftyp = b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00" * 64


@functools.lru_cache(maxsize=None)
def truncated_jpeg() -> bytes:
    """A real photo-sized JPEG cut off in the middle of its scan data."""
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8), "RGB")
    buf = io.BytesIO()
    noise.save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    return data[: len(data) // 2]


def html_as_jpg() -> bytes:
    """An HTML page, as if uploaded under a .jpg name."""
    return b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><img src=x onerror=alert(1)></body></html>\n"


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with length and CRC."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


@functools.lru_cache(maxsize=None)
def decompression_bomb_png(side: int = 20000) -> bytes:
    """A valid, single-colour 1-bit PNG of side x side pixels that compresses to a few KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    chunk = row * 500
    parts = [comp.compress(chunk) for _ in range(side // 500)]
    parts.append(comp.compress(row * (side % 500)))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def _tone(rate: int, channels: int) -> np.ndarray:
    """Float samples (channels x n) of a 440 Hz tone followed by silence."""
    n_tone = int(rate * TONE_SECONDS)
    n_total = int(rate * AUDIO_SECONDS)
    t = np.arange(n_total) / rate
    wave_ = 0.4 * np.sin(2 * math.pi * 440.0 * t)
    wave_[n_tone:] = 0.0
    return np.tile(wave_.astype(np.float32), (channels, 1))


SPEECH_TEXT = "小区七栋楼道里有很浓的煤气味，请尽快派人来看看。"


@functools.lru_cache(maxsize=None)
def speech_samples(rate: int) -> np.ndarray | None:
    """Spoken Chinese from espeak-ng at a sample rate, with silence around it (None without espeak-ng)."""
    import shutil
    import subprocess
    import tempfile
    import wave
    if not shutil.which("espeak-ng"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        if subprocess.run(["espeak-ng", "-v", "cmn", "-w", tmp.name, SPEECH_TEXT], capture_output=True).returncode:
            return None
        with wave.open(tmp.name) as wav:
            source_rate = wav.getframerate()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    positions = np.arange(0, len(pcm), source_rate / rate)
    resampled = np.interp(positions, np.arange(len(pcm)), pcm).astype(np.float32)
    pad = np.zeros(rate // 2, dtype=np.float32)
    return np.concatenate([pad, resampled, pad])


@functools.lru_cache(maxsize=None)
def audio_bytes(fmt: str, speech: bool = False) -> bytes:
    """Tone + silence (or, with ``speech``, spoken Chinese when espeak-ng exists) as a phone sends it."""
    base = fmt.split("-live")[0]
    container_fmt, codec, rate, layout, codec_opts = _AUDIO_RECIPES[base]
    channels = 2 if layout == "stereo" else 1
    buf = io.BytesIO()
    with av.open(buf, "w", format=container_fmt, options=_CONTAINER_OPTIONS.get(fmt, {})) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout, options=dict(codec_opts))
        if codec_opts.get("strict"):
            stream.codec_context.options = dict(codec_opts)
        ctx = stream.codec_context
        fmt_name = ctx.format.name
        spoken = speech_samples(rate) if speech else None
        samples = np.tile(spoken, (channels, 1)) if spoken is not None else _tone(rate, channels)
        frame_size = ctx.frame_size or 1024
        pts = 0
        for start in range(0, samples.shape[1], frame_size):
            block = samples[:, start : start + frame_size]
            frame = _make_frame(block, fmt_name, layout, rate)
            frame.pts = pts
            frame.time_base = Fraction(1, rate)
            pts += block.shape[1]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def _make_frame(block: np.ndarray, fmt_name: str, layout: str, rate: int) -> av.AudioFrame:
    """An AudioFrame in the encoder's sample format from float samples (channels x n)."""
    planar = fmt_name.endswith("p")
    base = fmt_name.rstrip("p")
    if base == "s16":
        arr = (np.clip(block, -1, 1) * 32767).astype(np.int16)
    elif base == "s32":
        arr = (np.clip(block, -1, 1) * 2147483647).astype(np.int32)
    else:
        arr = block.astype(np.float32)
    if not planar:
        arr = arr.T.reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr), format=fmt_name, layout=layout)
    frame.sample_rate = rate
    return frame


@functools.lru_cache(maxsize=None)
def long_wav(seconds: float, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV of the given length (a short beep, then silence); cheap to build."""
    n = int(seconds * rate)
    beep = (np.sin(2 * math.pi * 440.0 * np.arange(min(n, rate)) / rate) * 8000).astype("<i2").tobytes()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(beep + b"\x00\x00" * (n - len(beep) // 2))
    return buf.getvalue()


@functools.lru_cache(maxsize=None)
def video_only_mp4() -> bytes:
    """A tiny MP4 with one video stream and no audio."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.full((32, 32, 3), i * 40, dtype=np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def random_bytes(n: int = 4096, seed: int = 1) -> bytes:
    """Deterministic pseudo-random bytes."""
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()

