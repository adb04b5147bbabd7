"""Demo photos and voice notes, made on the spot (no binary files in the repository)."""
import io
import math
import shutil
import struct
import subprocess
import tempfile
import wave
import zlib

from PIL import Image, ImageDraw

# Colours for the scenes the demo reports name.
SCENES = {
    "gas": ((236, 223, 200), (90, 90, 90)), "water": ((120, 150, 170), (60, 90, 120)),
    "fire_lane": ((200, 70, 60), (240, 240, 240)), "manhole": ((80, 80, 80), (30, 30, 30)),
    "tree": ((120, 170, 110), (90, 60, 40)), "facade": ((210, 200, 190), (150, 140, 130)),
    "ebike": ((60, 70, 90), (230, 200, 40)), "generic": ((180, 180, 180), (100, 100, 100)),
}


def demo_photo(key: str, seed: int = 0) -> bytes:
    """A small JPEG standing in for a resident's photo of a scene."""
    background, accent = SCENES.get(key, SCENES["generic"])
    image = Image.new("RGB", (640, 480), background)
    draw = ImageDraw.Draw(image)
    rng = zlib.crc32(f"{key}-{seed}".encode())
    for i in range(6):
        x, y = (rng >> (i * 3)) % 520, (rng >> (i * 2 + 1)) % 360
        draw.rectangle([x, y, x + 60 + i * 15, y + 40 + i * 10], fill=accent)
    draw.ellipse([260, 180, 380, 300], outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def demo_voice(text: str) -> bytes:
    """A voice note saying the text (espeak-ng when installed, else a short tone)."""
    if shutil.which("espeak-ng"):
        with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
            result = subprocess.run(["espeak-ng", "-v", "cmn", "-s", "150", "-w", tmp.name, text[:120]],
                                    capture_output=True, timeout=30)
            if result.returncode == 0:
                return open(tmp.name, "rb").read()
    return _tone_wav()


def _tone_wav(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """A plain sine tone as 16-bit mono WAV."""
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(int(seconds * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return out.getvalue()
