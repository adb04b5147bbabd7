"""Hostile uploads: each gets a clear 4xx in the one error shape, nothing is stored, and the server stays up.

In the app (reports and case evidence), then against a real gunicorn for bodies far over the limit."""
import http.client
import io
import os
import socket
from pathlib import Path

import av
import numpy as np
import pytest

from server.extensions import db
from server.models import CaseAttachment, Media, Report

from .. import media_fixtures as mf
from ..helpers import new_uuid


def hour_of_audio(seconds: int = 3600) -> bytes:
    """An hour of silence as 8 kbit/s MP3 (about 3.6 MB, a few seconds to encode)."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=8000)
        stream.bit_rate, stream.layout = 8000, "mono"
        block, pts = np.zeros((1, 8000 * 10), dtype=np.int16), 0
        for _ in range(seconds // 10):
            frame = av.AudioFrame.from_ndarray(block, format="s16", layout="mono")
            frame.sample_rate, frame.pts = 8000, pts
            pts += block.shape[1]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


@pytest.fixture(scope="module")
def hour_mp3():
    return hour_of_audio()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def media_app(world, tmp_path):
    """An app on a copy of the world with its own, empty media folder."""
    app = world.app(tmp_path, MEDIA_ROOT=str(tmp_path / "private-media"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
                     for model in (Report, Media, CaseAttachment))


HOSTILE = {
    "decompression bomb": ("photos", mf.decompression_bomb_png, 422),
    "truncated JPEG": ("photos", mf.truncated_jpeg, 422),
    "HTML saved as .jpg": ("photos", mf.html_as_jpg, 422),
    "zero-byte photo": ("photos", lambda: b"", 422),
    "voice that is an image": ("audio", mf.png_bytes, 422),
    "voice that is HTML": ("audio", mf.html_as_jpg, 422),
    "voice of random bytes": ("audio", mf.random_bytes, 422),
    "zero-byte voice": ("audio", lambda: b"", 422),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_report_file_is_refused_and_nothing_is_stored(name, media_app, world):
    field, make, status = HOSTILE[name]
    before, root = _counts(media_app), Path(media_app.config["MEDIA_ROOT"])
    files = [(io.BytesIO(make()), "evil.jpg" if field == "photos" else "evil.m4a")]
    # A good photo first: it must not be left behind when the next file is refused.
    data = {"client_uuid": new_uuid(), "text": "楼道有异味",
            "photos": [(io.BytesIO(mf.jpeg_bytes()), "ok.jpg"), *(files if field == "photos" else [])]}
    if field == "audio":
        data["audio"] = files[0]
    response = media_app.test_client().post("/api/v1/reports", data=data, headers=world.headers("owner"),
                                            content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "errors"} and body["message"] and any(k.startswith(field) for k in
                                                                                  body["errors"])
    assert _counts(media_app) == before and _files(root) == [], "nothing stored"


def test_an_hour_of_audio_is_refused_without_decoding_it_all(media_app, world, hour_mp3):
    before = _counts(media_app)
    response = media_app.test_client().post(
        "/api/v1/reports", headers=world.headers("owner"), content_type="multipart/form-data",
        data={"client_uuid": new_uuid(), "text": "", "audio": (io.BytesIO(hour_mp3), "long.mp3")})
    assert response.status_code == 422 and response.get_json()["code"] == "audio_too_long"
    assert "超过 300 秒的上限" in response.get_json()["message"], "Chinese by default"
    assert _counts(media_app) == before and _files(Path(media_app.config["MEDIA_ROOT"])) == []


def test_hostile_case_evidence_is_refused_and_nothing_is_stored(media_app, world):
    """Department feedback and grid verification take files too: the same checks, nothing half-stored."""
    client, ids = media_app.test_client(), world.ids
    before = _counts(media_app)
    for role, url, fields in (
            ("grid_same", f"/api/v1/cases/{ids['case_fb']}/verification", {"note": "复查"}),
            ("dept_routed", f"/api/v1/cases/{ids['case']}/actions/sign", {})):
        for evil in (mf.decompression_bomb_png(), mf.html_as_jpg(), b""):
            data = {**fields, "photos": [(io.BytesIO(mf.jpeg_bytes()), "ok.jpg"), (io.BytesIO(evil), "evil.jpg")]}
            response = client.post(url, data=data, headers=world.headers(role), content_type="multipart/form-data")
            assert 400 <= response.status_code < 500, response.get_json()
            assert response.get_json()["code"] and response.get_json()["errors"]
    assert _counts(media_app) == before and _files(Path(media_app.config["MEDIA_ROOT"])) == []


def test_body_over_the_limit_in_the_app(media_app, world):
    before = _counts(media_app)
    media_app.config["MAX_CONTENT_LENGTH"] = 100_000
    response = media_app.test_client().post(
        "/api/v1/reports", headers=world.headers("owner"), content_type="multipart/form-data",
        data={"client_uuid": new_uuid(), "photos": [(io.BytesIO(b"\xff" * 300_000), "big.jpg")]})
    assert response.status_code == 413 and response.get_json()["code"] == "request_entity_too_large"
    assert _counts(media_app) == before


# Against a real server: bodies far over the limit, declared or streamed, then the server still answers.

@pytest.fixture
def served(world, tmp_path):
    """gunicorn (one sync worker) on a copy of the world, with a 2 MB request limit."""
    import shutil

    from bench.intake.servers import WorkerConfig, gunicorn
    copy = tmp_path / "served.db"
    shutil.copyfile(world.db_file, copy)
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": f"sqlite:///{copy}",
           "MEDIA_ROOT": str(tmp_path / "media"), "GRIDWATCH_INSTANCE": str(tmp_path / "instance"),
           "MAX_REQUEST_BYTES": str(2 * 1024 * 1024), "WHISPER_MODEL_DIR": str(tmp_path / "no-models")}
    env.pop("REDIS_URL", None)
    log = tmp_path / "gunicorn.log"
    repo = Path(__file__).resolve().parents[2]
    with gunicorn("server:create_app()", env, repo, WorkerConfig(1, 1), "/healthz", log) as base:
        yield base, tmp_path, log


def _post(base: str, headers: dict, body_chunks, length: int | None):
    """POST a body chunk by chunk; (status, JSON text) — the server may answer before reading it all."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/api/v1/reports")
    boundary = "gwboundary"
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    for key, value in headers.items():
        conn.putheader(key, value)
    if length is None:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(length))
    conn.endheaders()
    try:
        for chunk in body_chunks:
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if length is None else chunk)
        if length is None:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass  # the server answered early and closed: read what it said
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return response.status, text


def _multipart_chunks(total: int):
    head = (b'--gwboundary\r\nContent-Disposition: form-data; name="client_uuid"\r\n\r\n'
            + new_uuid().encode() + b'\r\n--gwboundary\r\nContent-Disposition: form-data; name="photos"; '
            b'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n')
    yield head
    block = b"\xff" * (1 << 20)
    for _ in range(total // len(block)):
        yield block
    yield b"\r\n--gwboundary--\r\n"


def test_real_server_refuses_bodies_far_over_the_limit_and_stays_up(served, world):
    import json
    import urllib.request
    base, tmp_path, log = served
    auth = world.headers("owner")
    declared = 200 * 1024 * 1024  # 100× the limit, announced up front: refused before reading
    status, text = _post(base, auth, _multipart_chunks(declared), declared)
    assert status == 413 and json.loads(text)["code"] == "request_entity_too_large"
    status, text = _post(base, auth, _multipart_chunks(20 * 1024 * 1024), None)  # streamed, no length
    assert status == 413 and json.loads(text)["code"] == "request_entity_too_large"
    status, text = _post(base, auth, [b"--gwboundary\r\nContent-Disposition: form-data; name=\"photos\"; "
                                      b"filename=\"b.png\"\r\n\r\n" + mf.decompression_bomb_png()
                                      + b"\r\n--gwboundary--\r\n"], None)
    assert status == 422 and json.loads(text)["errors"]
    with urllib.request.urlopen(base + "/healthz", timeout=10) as resp:
        assert resp.status == 200 and json.load(resp)["status"] == "ok"
    good = urllib.request.Request(base + "/api/v1/reports", method="POST", headers={
        **auth, "Content-Type": "application/json"}, data=json.dumps({"client_uuid": new_uuid(), "text": "还活着"}).encode())
    with urllib.request.urlopen(good, timeout=10) as resp:
        assert resp.status == 201
    assert _files(tmp_path / "media") == []
    text = log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in text and "Worker exited" not in text and "Traceback" not in text, text[-2000:]


def test_bodies_without_files_have_a_small_limit(media_app, world):
    """Only uploads may approach the multipart limit: a 2 MB JSON report is refused before it is parsed."""
    client = media_app.test_client()
    big = client.post("/api/v1/reports", headers=world.headers("owner"),
                      json={"client_uuid": new_uuid(), "text": "险" * (2 * 1024 * 1024 // 3 + 10)})
    assert big.status_code == 413 and big.get_json()["code"] == "request_entity_too_large"
    login = client.post("/api/v1/auth/login", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                        content_type="application/json")
    assert login.status_code == 413
    fine = client.post("/api/v1/reports", headers=world.headers("owner"),
                       json={"client_uuid": new_uuid(), "text": "井盖丢了"})
    assert fine.status_code == 201


# Cheap uploads, costly work: decoding is bounded in pixels and memory before it starts (issue 12, item 11).

def _flat_png(side: int, colour_type: int = 2, noisy_every: int = 0) -> bytes:
    """A side x side 8-bit PNG (RGB by default) of one colour, optionally with noisy rows: small file, many pixels."""
    import struct
    import zlib
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    flat = b"\x00" + b"\x80" * (side * channels)
    noisy = b"\x00" + np.random.default_rng(3).integers(0, 256, side * channels, dtype=np.uint8).tobytes()
    comp = zlib.compressobj(9)
    parts = [comp.compress(noisy if noisy_every and y % noisy_every == 0 else flat) for y in range(side)]
    parts.append(comp.flush())

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def large_jpeg() -> bytes:
    """A 48-megapixel phone photo (8000 x 6000 JPEG)."""
    from PIL import Image
    im = Image.new("RGB", (8000, 6000), (90, 120, 150))
    im.paste((200, 40, 40), (0, 0, 4000, 3000))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _peak_growth_mib(call) -> tuple[float, object]:
    """How far above its current size the process's resident memory peaked while ``call`` ran (Linux)."""
    import gc
    import resource
    gc.collect()

    def status(field: str) -> float:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024
    try:
        with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to the current size
            fh.write("5")
        before = status("VmRSS")
        result = call()
        return status("VmHWM") - before, result
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = call()
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before, result


def test_six_large_dimension_pngs_are_refused_unread_in_bounded_memory(media_app, world):
    """The attack: six small PNGs of 6320 x 6320 in one report (13.6 s and 470 MB before)."""
    bomb = _flat_png(6320, noisy_every=50)
    assert 100_000 < len(bomb) < 4 * 1024 * 1024
    client, before = media_app.test_client(), _counts(media_app)
    data = {"client_uuid": new_uuid(), "text": "照片", "photos": [(io.BytesIO(bomb), f"{i}.png") for i in range(6)]}
    growth, response = _peak_growth_mib(lambda: client.post(
        "/api/v1/reports", data=data, headers=world.headers("owner"), content_type="multipart/form-data"))
    assert response.status_code == 422 and response.get_json()["code"] == "image_too_many_pixels"
    assert growth < 48, f"decoding took {growth:.0f} MiB"
    assert _counts(media_app) == before


def test_a_small_png_claiming_millions_of_pixels_is_refused_as_a_bomb(media_app, world):
    bomb = _flat_png(3000)  # 9 MP: under the pixel limit, but far too few bytes for a photo
    response = media_app.test_client().post(
        "/api/v1/reports", headers=world.headers("owner"), content_type="multipart/form-data",
        data={"client_uuid": new_uuid(), "photos": [(io.BytesIO(bomb), "b.png")]})
    assert response.status_code == 422 and "不像是照片" in response.get_json()["message"]
    response = media_app.test_client().post(
        "/api/v1/reports", headers={**world.headers("owner"), "Accept-Language": "en"},
        content_type="multipart/form-data", data={"client_uuid": new_uuid(), "photos": [(io.BytesIO(bomb), "b.png")]})
    assert response.status_code == 422 and "decompression bomb" in response.get_json()["message"]


def test_a_48_megapixel_jpeg_is_decoded_reduced_in_bounded_memory(media_app, world, large_jpeg):
    client = media_app.test_client()
    data = {"client_uuid": new_uuid(), "text": "消防通道堵塞", "photos": [(io.BytesIO(large_jpeg), "big.jpg")]}
    growth, response = _peak_growth_mib(lambda: client.post(
        "/api/v1/reports", data=data, headers=world.headers("owner"), content_type="multipart/form-data"))
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()["media"][0]
    assert (photo["width"], photo["height"]) == (4000, 3000)  # libjpeg decoded it at half scale
    assert growth < 110, f"decoding took {growth:.0f} MiB"  # a full decode alone is 137 MiB


def test_a_request_has_a_pixel_budget_for_all_its_photos(media_app, world, large_jpeg):
    media_app.config["MAX_REQUEST_PHOTO_PIXELS"] = 20_000_000  # one reduced 48 MP photo (12 MP), not two
    before = _counts(media_app)
    response = media_app.test_client().post(
        "/api/v1/reports", headers=world.headers("owner"), content_type="multipart/form-data",
        data={"client_uuid": new_uuid(), "photos": [(io.BytesIO(large_jpeg), f"{i}.jpg") for i in range(2)]})
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "photos_too_many_pixels" and "photos[1]" in body["errors"]
    assert _counts(media_app) == before
