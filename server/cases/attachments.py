"""Files attached to case events: photos and voice notes (the intake checks) and short MP4 videos, all stored
without metadata."""
import hashlib
import io
from dataclasses import dataclass

import av
from flask import current_app

from server.errors import Invalid, refused_upload
from server.media import MediaError, probe_audio, process_photo, strip_audio, strip_video
from server.media.store import storage
from server.media.uploads import Upload
from server.models import Case, CaseAttachment, User

VIDEO_CODECS = {"h264", "hevc", "mpeg4", "av1", "vp9", "vp8", "h263"}
FIELDS = ("photos", "audio", "video")


@dataclass(frozen=True)
class VideoInfo:
    """Facts about an accepted video."""

    duration: float
    width: int
    height: int
    codec: str


def probe_video(data: bytes, *, max_bytes: int, max_seconds: float, max_pixels: int = 3840 * 2160) -> VideoInfo:
    """Accept an MP4/MOV with a decodable video stream of bounded size and length; else MediaError."""
    if not data:
        raise MediaError(422, "empty_file", "The video is empty (0 bytes).")
    if len(data) > max_bytes:
        raise MediaError(413, "too_large", f"The video is {len(data) / 1048576:.1f} MB, over the "
                                           f"{max_bytes / 1048576:.1f} MB limit.")
    if data[4:8] != b"ftyp":
        raise MediaError(422, "unsupported_video_type", "Send the video as MP4.")
    try:
        with av.open(io.BytesIO(data), format="mov") as container:
            streams = [s for s in container.streams.video
                       if not s.disposition & av.stream.Disposition.attached_pic]
            if not streams:
                raise MediaError(422, "not_video", "The file has no video stream in it.")
            stream = streams[0]
            codec = stream.codec_context.codec.canonical_name
            if codec not in VIDEO_CODECS:
                raise MediaError(422, "unsupported_video_type", f"Video encoded as {codec} is not accepted.")
            width, height = stream.codec_context.width, stream.codec_context.height
            if not width or not height or width * height > max_pixels:
                raise MediaError(422, "video_too_large", f"The video frame {width}×{height} is too large.")
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = 0.0
            if duration > max_seconds:
                raise MediaError(422, "video_too_long",
                                 f"The video is {duration:.0f} seconds long; the limit is {max_seconds:.0f} seconds.")
            decoded = False
            for frame in container.decode(stream):  # prove it decodes: the first frame is enough
                decoded = frame.width > 0
                break
            if not decoded:
                raise MediaError(422, "not_video", "The video cannot be decoded.")
    except MediaError:
        raise
    except Exception as exc:  # any FFmpeg/PyAV failure on untrusted bytes
        raise MediaError(422, "not_video", "The video is damaged or incomplete and cannot be played.") from exc
    return VideoInfo(round(duration, 3), width, height, codec)


def store_uploads(case: Case, uploads: list[Upload], user: User | None) -> list[CaseAttachment]:
    """Check every file by its content and store it; 413/422 (one error shape) on the first bad one."""
    cfg, store, rows = current_app.config, storage(), []
    counts = {f: sum(1 for u in uploads if u.field == f) for f in FIELDS}
    limits = {"photos": cfg["MAX_PHOTOS"], "audio": 1, "video": cfg["MAX_CASE_VIDEOS"]}
    for field, count in counts.items():
        if count > limits[field]:
            raise Invalid(errors={field: [f"At most {limits[field]} file(s) in '{field}'."]})
    uploader = user.id if user else None
    seen = dict.fromkeys(FIELDS, 0)
    checked = []  # every file is checked before any is stored: a bad one leaves nothing behind
    budget = cfg["MAX_REQUEST_PHOTO_PIXELS"]  # pixels all photos of the request may decode to
    for upload in uploads:
        i = seen[upload.field]
        seen[upload.field] += 1
        try:
            if upload.field == "photos":
                photo = process_photo(upload.data, max_bytes=cfg["MAX_PHOTO_BYTES"], max_pixels=cfg["MAX_PHOTO_PIXELS"],
                                      max_side=cfg["PHOTO_MAX_SIDE"], pixel_budget=budget)
                budget -= photo.decoded_pixels
                checked.append((upload.field, photo, None))
            elif upload.field == "audio":
                info = probe_audio(upload.data, max_bytes=cfg["MAX_AUDIO_BYTES"], max_seconds=cfg["MAX_AUDIO_SECONDS"])
                # Stored without tags, chapters or cover art, as photos are without EXIF.
                checked.append((upload.field, info, strip_audio(upload.data, info.container, info.mime, info.ext)))
            else:
                info = probe_video(upload.data, max_bytes=cfg["MAX_VIDEO_BYTES"],
                                   max_seconds=cfg["MAX_VIDEO_SECONDS"])
                checked.append((upload.field, info, strip_video(upload.data)))
        except MediaError as exc:
            field = upload.field if counts[upload.field] == 1 else f"{upload.field}[{i}]"
            raise refused_upload(exc.status, exc.code, exc.message, field) from exc
    for field, info, clean in checked:
        if field == "photos":
            rows.append(CaseAttachment(case_id=case.id, kind="photo", storage_key=store.put(info.data, info.ext),
                                       thumb_key=store.put(info.thumb, "jpg"), mime=info.mime, size=len(info.data),
                                       sha256=info.sha256, width=info.width, height=info.height,
                                       uploaded_by_id=uploader))
        elif field == "audio":
            rows.append(CaseAttachment(case_id=case.id, kind="audio", storage_key=store.put(clean.data, clean.ext),
                                       mime=clean.mime, size=len(clean.data),
                                       sha256=hashlib.sha256(clean.data).hexdigest(), duration=info.duration,
                                       uploaded_by_id=uploader))
        else:
            rows.append(CaseAttachment(case_id=case.id, kind="video", storage_key=store.put(clean, "mp4"),
                                       mime="video/mp4", size=len(clean),
                                       sha256=hashlib.sha256(clean).hexdigest(), width=info.width,
                                       height=info.height, duration=info.duration, uploaded_by_id=uploader))
    return rows
