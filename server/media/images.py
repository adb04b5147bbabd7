"""Validate an uploaded photo and re-encode it without metadata, plus a JPEG thumbnail.

Decoding is bounded before it starts: the dimensions come from the header (Pillow opens lazily), a JPEG larger
than needed is decoded at 1/2, 1/4 or 1/8 scale by libjpeg itself (``Image.draft``), other formats must fit the
pixel limit, a PNG or WebP whose pixel count is out of all proportion to its size (a decompression bomb) is refused
unread, and the caller may pass a pixel budget for the whole request. Stored photos are at most ``max_side`` pixels
on their longer side.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from server.media.errors import MediaError, empty_file, too_large

# Pillow format name -> (stored format, mime, ext); MPO is the multi-picture JPEG some phones write.
_ACCEPTED = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
}
# Plugins Pillow may use to open uploads; anything else is never parsed.
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
# ISO-BMFF brands of HEIF-family images (iPhone "High Efficiency" photos, AVIF).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
# Magic prefixes of other image types, for a helpful "unsupported" message.
_OTHER_IMAGES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
)

JPEG_QUALITY = 88
WEBP_QUALITY = 85
THUMB_QUALITY = 80
# A PNG or WebP of more pixels than this must bring at least one byte per MAX_PIXELS_PER_BYTE pixels: real
# photos take 1-3 bytes a pixel, screenshots 0.1, a decompression bomb 0.001.
RATIO_CHECK_PIXELS = 4_000_000
MAX_PIXELS_PER_BYTE = 200
PNG_COMPRESS_LEVEL = 3  # zlib level: much faster than the default 6 for a few % more bytes
WEBP_METHOD = 2  # encoder effort 0-6; 2 is ~2.5x faster than the default 4


@dataclass(frozen=True)
class ProcessedPhoto:
    """A cleaned photo ready to store: re-encoded bytes, a JPEG thumbnail and facts about it."""

    data: bytes
    thumb: bytes
    mime: str
    ext: str
    width: int
    height: int
    sha256: str
    decoded_pixels: int = 0  # what decoding cost, counted against a request's pixel budget


def process_photo(
    data: bytes, *, max_bytes: int, max_pixels: int = 16_777_216, thumb_size: int = 480, keep_icc: bool = True,
    max_side: int = 4096, pixel_budget: int | None = None,
) -> ProcessedPhoto:
    """Check an uploaded photo by content, decode it (reduced when large) and re-encode it without EXIF/XMP/comments.

    ``max_pixels`` bounds the pixels decoded into memory, ``pixel_budget`` (optional) what is left of the request's
    allowance; the stored photo is at most ``max_side`` pixels on its longer side.
    """
    if not data:
        raise empty_file("photo")
    if len(data) > max_bytes:
        raise too_large("photo", len(data), max_bytes)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must be False to validate uploads")
    im = _open(data)
    try:
        stored_format, mime, ext = _ACCEPTED[im.format]
        header = im.size
        _check_header(im, len(data), max_pixels)
        decoded = _plan_decode(im, max_side)
        _check_pixels(decoded, max_pixels, header)
        if pixel_budget is not None and decoded[0] * decoded[1] > pixel_budget:
            raise _over_budget(pixel_budget)
        try:
            im.load()
            if max(im.size) > max_side:  # reduce at once: every later step works on the small copy
                im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
            ImageOps.exif_transpose(im, in_place=True)
        except MediaError:
            raise
        except Exception as exc:
            raise _broken() from exc
        _strip_metadata(im, keep_icc)
        stored = _encode(im, stored_format)
        thumb = _thumbnail(im, thumb_size)
        width, height = im.size
    finally:
        im.close()
    return ProcessedPhoto(
        data=stored,
        thumb=thumb,
        mime=mime,
        ext=ext,
        width=width,
        height=height,
        sha256=hashlib.sha256(stored).hexdigest(),
        decoded_pixels=decoded[0] * decoded[1],
    )


def _open(data: bytes) -> Image.Image:
    """Open the bytes with Pillow restricted to accepted formats, mapping failures to MediaError."""
    try:
        im = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _unidentified(data) from exc
    except Exception as exc:
        raise _broken() from exc
    if im.format not in _ACCEPTED:
        im.close()
        raise _unsupported(im.format or "unknown")
    return im


def _check_header(im: Image.Image, size: int, max_pixels: int) -> None:
    """Refuse, from the header alone, what no reduced decoding can bring within bounds."""
    width, height = im.size
    if width <= 0 or height <= 0:
        raise _broken()
    pixels = width * height
    if im.format in ("JPEG", "MPO"):  # decoded at 1/8 scale at best
        if pixels > max_pixels * 64:
            raise _too_many_pixels(width, height, max_pixels * 64)
    elif pixels > max_pixels:
        raise _too_many_pixels(width, height, max_pixels)
    elif pixels > RATIO_CHECK_PIXELS and pixels > size * MAX_PIXELS_PER_BYTE:
        raise MediaError(422, "image_too_many_pixels",
                         f"The image claims {width}x{height} pixels but is only {size:,} bytes: it looks like a "
                         "decompression bomb, not a photo.")


def _plan_decode(im: Image.Image, max_side: int) -> tuple[int, int]:
    """Have libjpeg decode a large JPEG at a reduced scale (never below half of max_side); the size to be decoded."""
    if im.format in ("JPEG", "MPO") and max(im.size) > max_side:
        im.draft(None, _fit(im.size, max(1, max_side // 2)))
    return im.size


def _check_pixels(size: tuple[int, int], max_pixels: int, header: tuple[int, int]) -> None:
    """Reject a decode of more pixels than allowed, before anything is decoded."""
    width, height = size
    if width * height > max_pixels:
        raise _too_many_pixels(header[0], header[1], max_pixels)


def _over_budget(budget: int) -> MediaError:
    """A 422 error for a request whose photos together are too many pixels to decode."""
    return MediaError(422, "photos_too_many_pixels",
                      f"The photos of this request are too large together (about {max(budget, 0) // 1_000_000} "
                      "million pixels were left); send fewer or smaller photos.")


def _strip_metadata(im: Image.Image, keep_icc: bool) -> None:
    """Drop EXIF, XMP, comments, text chunks, DPI etc.; keep transparency and optionally the ICC profile."""
    kept = {}
    if keep_icc and im.info.get("icc_profile"):
        kept["icc_profile"] = im.info["icc_profile"]
    if "transparency" in im.info and im.mode in ("1", "P", "L", "RGB", "I", "I;16"):
        kept["transparency"] = im.info["transparency"]
    im.info = kept


def _encode(im: Image.Image, fmt: str) -> bytes:
    """Re-encode the image in its own format with no metadata except an optional ICC profile."""
    buf = io.BytesIO()
    if fmt == "JPEG":
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        im.save(buf, "JPEG", quality=JPEG_QUALITY, exif=b"", **_icc_for(im))
    elif fmt == "PNG":
        if im.mode not in _PNG_MODES:
            im = im.convert("RGBA")
        im.save(buf, "PNG", optimize=False, compress_level=PNG_COMPRESS_LEVEL, **_icc_for(im))
    else:
        if im.mode not in ("RGB", "RGBA"):
            im = im.convert("RGBA" if im.has_transparency_data else "RGB")
        im.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, exif=b"", xmp=b"", **_icc_for(im))
    return buf.getvalue()


def _thumbnail(im: Image.Image, size: int) -> bytes:
    """A JPEG no larger than size x size, transparent areas flattened onto white."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I", "I;16", "I;16B", "I;16L"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif im.mode not in ("RGB", "RGBA", "L", "LA") or im.has_transparency_data:
        im = im.convert("RGBA" if im.has_transparency_data else "RGB")
    thumb = im.resize(_fit(im.size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    if thumb.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", thumb.size, (255, 255, 255))
        flat.paste(thumb.convert("RGB"), mask=thumb.getchannel("A"))
        thumb = flat
    buf = io.BytesIO()
    thumb.save(buf, "JPEG", quality=THUMB_QUALITY, **_icc_for(thumb, icc))
    return buf.getvalue()


def _fit(size: tuple[int, int], limit: int) -> tuple[int, int]:
    """Dimensions scaled down (never up) so the longer side is at most limit."""
    width, height = size
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _icc_for(im: Image.Image, icc: bytes | None = None) -> dict:
    """Save options carrying the ICC profile only when its colour space matches the image mode."""
    icc = icc or im.info.get("icc_profile")
    if not icc or len(icc) < 20:
        return {}
    space = icc[16:20]
    if im.mode in ("RGB", "RGBA", "P") and space == b"RGB ":
        return {"icc_profile": icc}
    if im.mode in ("L", "LA") and space == b"GRAY":
        return {"icc_profile": icc}
    return {}


def _unidentified(data: bytes) -> MediaError:
    """Tell apart a known-but-unsupported image type from something that is not an image."""
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        kind = "AVIF" if data[8:12] in (b"avif", b"avis") else "HEIC"
        return _unsupported(kind)
    for magic, kind in _OTHER_IMAGES:
        if data.startswith(magic):
            return _unsupported(kind)
    return MediaError(422, "not_an_image", "The file is not an image. Send a JPEG, PNG or WebP photo.")


def _unsupported(kind: str) -> MediaError:
    """A 422 error for an image type other than JPEG, PNG or WebP."""
    hint = " On iPhone, set Camera > Formats to 'Most Compatible'." if kind == "HEIC" else ""
    return MediaError(
        422,
        "unsupported_image_type",
        f"{kind} images are not accepted. Send a JPEG, PNG or WebP photo.{hint}",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None, max_pixels: int | None = None) -> MediaError:
    """A 422 error for an image whose dimensions are too large to decode safely."""
    detail = f" ({width}x{height}, limit {max_pixels:,} pixels)" if width and max_pixels else ""
    return MediaError(422, "image_too_many_pixels", f"The image has too many pixels{detail}.")


def _broken() -> MediaError:
    """A 422 error for an image that cannot be fully decoded."""
    return MediaError(422, "broken_image", "The image is damaged or incomplete and cannot be read.")
