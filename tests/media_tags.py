"""Recordings and videos carrying personal metadata (tags, a place, chapters, cover art), built with ffmpeg."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import av
import pytest

from tests import media_fixtures as mf

SECRETS = ("13800000001", "张三", "芙蓉路", "+28.2000", "第一章", "秘密")
# Keys a muxer writes by itself (brands, the handler kind, the language code); nothing a person typed.
TECHNICAL = {"major_brand", "minor_version", "compatible_brands", "handler_name", "vendor_id", "language",
             "encoder", "ENCODER", "duration", "DURATION"}
_TAGS = ["-metadata", "artist=张三 13800000001", "-metadata", "comment=住在芙蓉路18号，秘密",
         "-metadata", "location=+28.2000+112.9700/", "-metadata", "title=张三的录音",
         "-metadata:s:a:0", "title=秘密音轨", "-metadata:s:a:0", "handler_name=张三的手机"]
_CHAPTERS = ";FFMETADATA1\ntitle=秘密\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=第一章 张三家\n"


def _ffmpeg(args: list[str], inputs: dict[str, bytes], out_name: str) -> bytes:
    """Run ffmpeg on named input files in a scratch directory; the output file's bytes."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in inputs.items():
            Path(tmp, name).write_bytes(data)
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, out_name], cwd=tmp, check=True, capture_output=True)
        return Path(tmp, out_name).read_bytes()


def _cover() -> bytes:
    """A small PNG to attach as cover art."""
    return mf.png_bytes((16, 16), "RGB")


@functools.lru_cache(maxsize=None)
def tagged_audio(fmt: str) -> bytes:
    """A phone recording (m4a, mp3 or ogg) with an owner's name and phone, a comment, a place and more."""
    source = {"m4a": "m4a", "mp3": "mp3", "ogg": "ogg-vorbis"}[fmt]
    ext = {"m4a": "m4a", "mp3": "mp3", "ogg": "ogg"}[fmt]
    inputs = {f"in.{ext}": mf.audio_bytes(source), "cover.png": _cover(), "meta.txt": _CHAPTERS.encode()}
    args = ["-i", f"in.{ext}"]
    if fmt == "ogg":
        args += ["-f", "ffmetadata", "-i", "meta.txt", "-map", "0", "-map_metadata", "1", "-map_chapters", "1"]
    else:  # cover art as an attached picture, and chapters
        args += ["-i", "cover.png", "-f", "ffmetadata", "-i", "meta.txt", "-map", "0", "-map", "1",
                 "-map_metadata", "2", "-map_chapters", "2", "-disposition:v:0", "attached_pic"]
    return _ffmpeg([*args, "-c", "copy", *_TAGS], inputs, f"out.{ext}")


@functools.lru_cache(maxsize=None)
def tagged_mp4() -> bytes:
    """A short H.264/AAC video with the owner's name, a place, a creation time, a chapter and a data track."""
    inputs = {"meta.txt": _CHAPTERS.encode()}
    args = ["-f", "lavfi", "-i", "testsrc=s=64x48:d=2:r=10", "-f", "lavfi", "-i", "sine=duration=2",
            "-f", "ffmetadata", "-i", "meta.txt", "-map", "0", "-map", "1", "-map_metadata", "2",
            "-map_chapters", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-metadata", "creation_time=2026-01-01T08:00:00Z", "-metadata:s:v:0", "handler_name=张三摄像",
            *_TAGS]
    return _ffmpeg(args, inputs, "out.mp4")


def describe(data: bytes) -> dict:
    """What a reader of the file learns besides the sound and pictures."""
    with av.open(io.BytesIO(data)) as container:
        duration = container.duration / av.time_base if container.duration else None
        return {
            "metadata": dict(container.metadata),
            "streams": [(s.type, dict(s.metadata), bool(s.disposition & av.stream.Disposition.attached_pic))
                        for s in container.streams],
            "chapters": len(container.chapters()),
            "duration": duration,
            "decoded": sum(1 for _ in container.decode(*container.streams.audio, *[
                s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic])),
        }


def personal(info: dict) -> list:
    """Every non-technical metadata entry, chapter and extra stream of a described file."""
    found = [(k, v) for k, v in info["metadata"].items() if k not in TECHNICAL]
    for kind, meta, picture in info["streams"]:
        found += [(kind, k, v) for k, v in meta.items() if k not in TECHNICAL]
        if picture or kind not in ("audio", "video"):
            found.append((kind, "stream"))
        found += [(kind, k, v) for k, v in meta.items() if any(s in v for s in SECRETS)]
    if info["chapters"]:
        found.append(("chapters", info["chapters"]))
    return found
