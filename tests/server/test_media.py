"""Tests for server.media: photo cleaning, voice-note probing and content-addressed storage."""

from __future__ import annotations

import hashlib
import io
import os
import struct

import pytest
from PIL import ExifTags, Image, ImageFile

from server.media import LocalStorage, MediaError, Storage, probe_audio, process_photo, validate_key
from tests import media_fixtures as fx

MB = 1024 * 1024


def _photo(data: bytes, **kwargs):
    """Process a photo with a generous byte limit."""
    kwargs.setdefault("max_bytes", 10 * MB)
    return process_photo(data, **kwargs)


def _reject_photo(data: bytes, **kwargs) -> MediaError:
    """Process a photo that must be rejected; return the error."""
    with pytest.raises(MediaError) as info:
        _photo(data, **kwargs)
    return info.value


def _reject_audio(data: bytes, **kwargs) -> MediaError:
    """Probe audio that must be rejected; return the error."""
    kwargs.setdefault("max_bytes", 10 * MB)
    with pytest.raises(MediaError) as info:
        probe_audio(data, **kwargs)
    return info.value


def _open(data: bytes) -> Image.Image:
    """Open image bytes with Pillow."""
    return Image.open(io.BytesIO(data))


# --- photos: accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime", "ext", "fmt", "size"),
    [
        (fx.jpeg_bytes(), "image/jpeg", "jpg", "JPEG", (64, 48)),
        (fx.jpeg_bytes(mode="CMYK"), "image/jpeg", "jpg", "JPEG", (64, 48)),
        (fx.jpeg_bytes(mode="L"), "image/jpeg", "jpg", "JPEG", (64, 48)),
        (fx.mpo_bytes(), "image/jpeg", "jpg", "JPEG", (60, 40)),
        (fx.png_bytes(), "image/png", "png", "PNG", (50, 30)),
        (fx.png_bytes(mode="P"), "image/png", "png", "PNG", (50, 30)),
        (fx.png_bytes(mode="I;16"), "image/png", "png", "PNG", (50, 30)),
        (fx.webp_bytes(), "image/webp", "webp", "WEBP", (36, 24)),
    ],
    ids=["jpeg", "jpeg-cmyk", "jpeg-gray", "mpo", "png-rgba", "png-palette", "png-16bit", "webp"],
)
def test_photo_formats_accepted(data, mime, ext, fmt, size):
    photo = _photo(data)
    assert (photo.mime, photo.ext) == (mime, ext)
    assert (photo.width, photo.height) == size
    stored = _open(photo.data)
    assert stored.format == fmt
    assert stored.size == size
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()


def test_exif_orientation_applied():
    photo = _photo(fx.jpeg_with_exif(orientation=6))
    assert (photo.width, photo.height) == (20, 40)
    im = _open(photo.data).convert("RGB")
    assert im.size == (20, 40)
    # Left half (red) of the 40x20 original ends up on top after a 90-degree clockwise turn.
    top, bottom = im.getpixel((10, 2)), im.getpixel((10, 37))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


@pytest.mark.parametrize("data", [fx.jpeg_with_exif(orientation=6, gps=True), fx.webp_bytes()], ids=["jpeg", "webp"])
def test_metadata_stripped(data):
    photo = _photo(data)
    for blob in (photo.data, photo.thumb):
        im = _open(blob)
        exif = im.getexif()
        assert len(exif) == 0
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert "exif" not in im.info and "xmp" not in im.info and "comment" not in im.info
        assert b"Exif\x00\x00" not in blob
        assert fx.CAMERA_MODEL.encode() not in blob
        assert fx.SECRET_XMP_MARKER.encode() not in blob
        assert fx.SECRET_COMMENT not in blob


def test_fixture_really_has_metadata():
    im = _open(fx.jpeg_with_exif())
    assert im.getexif()[ExifTags.Base.Orientation] == 6
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert fx.SECRET_XMP_MARKER.encode() in fx.jpeg_with_exif()


def test_png_text_chunks_stripped_and_alpha_kept():
    photo = _photo(fx.png_bytes())
    im = _open(photo.data)
    assert fx.SECRET_COMMENT not in photo.data
    assert im.mode == "RGBA"
    assert im.getpixel((1, 1))[3] == 0


def test_thumbnail_is_jpeg_within_size():
    big = fx.jpeg_with_exif(orientation=6, size=(1200, 600))
    photo = _photo(big, thumb_size=480)
    thumb = _open(photo.thumb)
    assert thumb.format == "JPEG"
    assert max(thumb.size) <= 480
    assert thumb.size == (240, 480)
    assert (photo.width, photo.height) == (600, 1200)


def test_thumbnail_never_upscales_and_flattens_alpha():
    photo = _photo(fx.png_bytes(), thumb_size=480)
    thumb = _open(photo.thumb)
    assert thumb.size == (50, 30)
    assert thumb.mode == "RGB"
    assert thumb.getpixel((1, 1)) == pytest.approx((255, 255, 255), abs=8)


# --- photos: rejected ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "empty_file"),
        (fx.truncated_jpeg(), 422, "broken_image"),
        (fx.html_as_jpg(), 422, "not_an_image"),
        (fx.random_bytes(), 422, "not_an_image"),
        (fx.audio_bytes("m4a"), 422, "not_an_image"),
        (fx.gif_bytes(), 422, "unsupported_image_type"),
        (fx.heic_header(), 422, "unsupported_image_type"),
        (fx.decompression_bomb_png(), 422, "image_too_many_pixels"),
    ],
    ids=["empty", "truncated", "html", "random", "audio", "gif", "heic", "bomb"],
)
def test_bad_photos_rejected(data, status, code):
    err = _reject_photo(data)
    assert (err.status, err.code) == (status, code)
    assert err.message and err.field is None


def test_bomb_fixture_is_small_but_huge():
    data = fx.decompression_bomb_png()
    assert len(data) < 300 * 1024
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (20000, 20000)
    with pytest.raises(Image.DecompressionBombError):  # Pillow's own global limit also refuses it
        Image.open(io.BytesIO(data))
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


def test_per_call_pixel_limit():
    err = _reject_photo(fx.png_bytes(), max_pixels=1000)
    assert (err.status, err.code) == (422, "image_too_many_pixels")
    assert Image.MAX_IMAGE_PIXELS != 1000  # global Pillow state untouched


def test_oversize_photo_rejected_before_parsing():
    data = fx.jpeg_bytes()
    err = _reject_photo(data, max_bytes=len(data) - 1)
    assert (err.status, err.code) == (413, "too_large")
    assert _photo(data, max_bytes=len(data)).mime == "image/jpeg"


def test_truncated_images_flag_must_be_off(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError):
        _photo(fx.jpeg_bytes())


def test_media_error_field_can_be_set_by_caller():
    err = _reject_photo(fx.html_as_jpg())
    err.field = "photos[2]"
    assert err.to_dict() == {"code": "not_an_image", "message": err.message, "field": "photos[2]"}


# --- audio: accepted ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "container", "codec", "mime", "ext", "rate"),
    [
        ("m4a", "m4a", "aac", "audio/mp4", "m4a", 44100),
        ("3gp", "3gp", "amr_nb", "audio/3gpp", "3gp", 8000),
        ("ogg", "ogg", "opus", "audio/ogg", "ogg", 48000),
        ("ogg-vorbis", "ogg", "vorbis", "audio/ogg", "ogg", 44100),
        ("webm", "webm", "opus", "audio/webm", "webm", 48000),
        ("webm-live", "webm", "opus", "audio/webm", "webm", 48000),
        ("mp3", "mp3", "mp3", "audio/mpeg", "mp3", 44100),
        ("wav", "wav", "pcm_s16le", "audio/wav", "wav", 16000),
        ("amr", "amr", "amr_nb", "audio/amr", "amr", 8000),
        ("aac", "aac", "aac", "audio/aac", "aac", 44100),
    ],
)
def test_audio_formats_accepted(fmt, container, codec, mime, ext, rate):
    info = probe_audio(fx.audio_bytes(fmt), max_bytes=10 * MB)
    assert (info.container, info.codec, info.mime, info.ext) == (container, codec, mime, ext)
    assert info.duration == pytest.approx(fx.AUDIO_SECONDS, abs=0.3)
    assert info.sample_rate == rate
    assert info.channels in (1, 2)


def test_webm_without_header_duration_is_measured():
    import av

    with av.open(io.BytesIO(fx.audio_bytes("webm-live"))) as c:
        assert c.duration is None  # like browser MediaRecorder output
    info = probe_audio(fx.audio_bytes("webm-live"), max_bytes=10 * MB)
    assert info.duration == pytest.approx(fx.AUDIO_SECONDS, abs=0.3)


def test_long_but_allowed_audio():
    info = probe_audio(fx.long_wav(60), max_bytes=10 * MB, max_seconds=300)
    assert info.duration == pytest.approx(60, abs=0.01)


# --- audio: rejected ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        fx.jpeg_with_exif(),
        fx.png_bytes(),
        fx.html_as_jpg(),
        fx.random_bytes(),
        b"OggS" + fx.random_bytes(),
        b"\xff\xfb\x90\x00" + fx.random_bytes(),
        fx.video_only_mp4(),
        fx.audio_bytes("m4a")[:2000],
        fx.audio_bytes("ogg")[:2000],
    ],
    ids=["jpeg", "png", "html", "random", "ogg-junk", "mp3-junk", "video-only", "cut-m4a", "cut-ogg"],
)
def test_non_audio_rejected(data):
    err = _reject_audio(data)
    assert (err.status, err.code) == (422, "not_audio")


def test_empty_audio_rejected():
    err = _reject_audio(b"")
    assert (err.status, err.code) == (422, "empty_file")


def test_zero_length_audio_rejected():
    err = _reject_audio(fx.long_wav(0))
    assert (err.status, err.code) == (422, "empty_audio")


def test_too_long_audio_rejected():
    err = _reject_audio(fx.long_wav(301), max_seconds=300)
    assert (err.status, err.code) == (422, "audio_too_long")


def test_max_seconds_is_per_call():
    err = _reject_audio(fx.audio_bytes("ogg"), max_seconds=1.0)
    assert err.code == "audio_too_long"


def test_oversize_audio_rejected():
    data = fx.audio_bytes("m4a")
    err = _reject_audio(data, max_bytes=len(data) - 1)
    assert (err.status, err.code) == (413, "too_large")


# --- storage ------------------------------------------------------------------------------------


def test_storage_is_content_addressed_and_idempotent(tmp_path):
    store = LocalStorage(tmp_path / "media")
    assert isinstance(store, Storage)
    data = b"hello gridwatch"
    sha = hashlib.sha256(data).hexdigest()
    key = store.put(data, "jpg")
    assert key == f"{sha}.jpg"
    assert store.put(data, ".JPG") == key
    assert store.exists(key)
    assert store.size(key) == len(data)
    with store.open(key) as fh:
        assert fh.read() == data
    path = store.local_path(key)
    assert path == os.path.join(str(tmp_path / "media"), sha[:2], sha[2:4], key)
    assert os.listdir(os.path.dirname(path)) == [key]  # no temp files left behind


def test_storage_different_bytes_different_keys(tmp_path):
    store = LocalStorage(tmp_path)
    assert store.put(b"a", "png") != store.put(b"b", "png")


def test_storage_delete_and_missing(tmp_path):
    store = LocalStorage(tmp_path)
    key = store.put(b"bye", "ogg")
    store.delete(key)
    assert not store.exists(key)
    assert store.local_path(key) is None
    store.delete(key)  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        store.open(key)


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "../../" + "a" * 64 + ".jpg",
        "a" * 64 + ".jpg/../x",
        "A" * 64 + ".jpg",
        "a" * 63 + ".jpg",
        "a" * 64 + ".jpegxl",
        "a" * 64 + ".jpg\n",
        "a" * 64,
        "/" + "a" * 64 + ".jpg",
        "",
    ],
)
def test_storage_rejects_bad_keys(tmp_path, key):
    store = LocalStorage(tmp_path)
    with pytest.raises(ValueError):
        validate_key(key)
    for op in (store.open, store.exists, store.delete, store.size, store.local_path):
        with pytest.raises(ValueError):
            op(key)


@pytest.mark.parametrize("ext", ["", "../x", "toolong", "j/g", ".."])
def test_storage_rejects_bad_extensions(tmp_path, ext):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put(b"x", ext)


def test_photo_and_thumb_stored_end_to_end(tmp_path):
    store = LocalStorage(tmp_path)
    photo = _photo(fx.jpeg_with_exif())
    key = store.put(photo.data, photo.ext)
    assert key == f"{photo.sha256}.jpg"
    thumb_key = store.put(photo.thumb, "jpg")
    assert store.exists(key) and store.exists(thumb_key) and key != thumb_key

