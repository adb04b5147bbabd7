"""The reports sent: the intake bench's texts, one in ``photo_every`` as multipart with a small JPEG."""
import io
import json
import random
import uuid

from bench.intake import payloads

BOUNDARY = "gridwatch-load-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _jpeg(rng: random.Random) -> bytes:
    """A small photo, different each time (a flat colour with noise)."""
    from PIL import Image
    image = Image.effect_noise((96, 72), rng.uniform(20, 80)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _multipart(fields: dict, photo: bytes) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="p.jpg"\r\n'
                 "Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def reports(count: int, photo_every: int = 10, seed: int = 2026) -> list[tuple[str, tuple[bytes, str]]]:
    """(client_uuid, (body, content type)) for each report."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        _, body = payloads.report(rng)
        fields = json.loads(body)
        fields["client_uuid"] = str(uuid.uuid4())
        if photo_every and i % photo_every == photo_every - 1:
            out.append((fields["client_uuid"], (_multipart(fields, _jpeg(rng)), MULTIPART)))
        else:
            out.append((fields["client_uuid"], (json.dumps(fields, ensure_ascii=False).encode(), "application/json")))
    return out
