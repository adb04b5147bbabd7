"""Test doubles for the phone's hardware (camera, microphone, GPS, notifications, network); tests only."""
import math
import os
import time
import uuid
import wave

from kivy.clock import Clock
from PIL import Image

from mobile.gridwatch_mobile.adapters import Devices
from mobile.gridwatch_mobile.adapters.base import AudioRecorder, Camera, Locator, NetworkMonitor, Notifier, Permissions


def _jpeg(dest_dir: str, colour) -> str:
    os.makedirs(dest_dir, exist_ok=True)
    path = os.path.join(dest_dir, f"{uuid.uuid4().hex}.jpg")
    image = Image.new("RGB", (320, 240), colour)
    for x in range(0, 320, 20):  # something to see in the thumbnail
        for y in range(100, 140):
            image.putpixel((x, y), (255, 255, 255))
    image.save(path, "JPEG", quality=85)
    return path


class FakeCamera(Camera):
    """Takes a coloured picture; "chooses" two."""

    def __init__(self):
        self.taken = 0

    def take_photo(self, dest_dir, on_done):
        self.taken += 1
        Clock.schedule_once(lambda _dt: on_done(_jpeg(dest_dir, (200, 80, 40)), None), 0.05)

    def pick_photos(self, dest_dir, on_done):
        Clock.schedule_once(lambda _dt: on_done([_jpeg(dest_dir, (40, 120, 200)), _jpeg(dest_dir, (60, 160, 80))],
                                                None), 0.05)


class FakeRecorder(AudioRecorder):
    """Records a 440 Hz tone as long as it runs; the level swings like a voice."""

    extension = ".wav"

    def __init__(self):
        self.path, self.started = None, None

    def start(self, path):
        self.path, self.started = path, time.monotonic()

    def level(self):
        if self.started is None:
            return 0.0
        return 0.35 + 0.3 * abs(math.sin((time.monotonic() - self.started) * 6))

    def stop(self):
        seconds = max(1.0, time.monotonic() - self.started)
        rate = 16000
        frames = bytearray()
        for i in range(int(rate * seconds)):
            value = int(9000 * math.sin(2 * math.pi * 440 * i / rate))
            frames += value.to_bytes(2, "little", signed=True)
        with wave.open(self.path, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(bytes(frames))
        self.started = None
        return self.path


    def pick_file(self, dest_dir, on_done):
        """"Chooses" a 3-second recording, as the file chooser would hand it over."""
        os.makedirs(dest_dir, exist_ok=True)
        path = os.path.join(dest_dir, f"{uuid.uuid4().hex}.wav")
        with wave.open(path, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(b"\x00\x00" * 8000 * 3)
        Clock.schedule_once(lambda _dt: on_done(path, None), 0.05)


class FakeLocator(Locator):
    def __init__(self, lat=28.2345, lon=112.9067):
        self.lat, self.lon = lat, lon

    def locate(self, on_location, on_error):
        Clock.schedule_once(lambda _dt: on_location(self.lat, self.lon, 8.0), 0.05)


class FakeNotifier(Notifier):
    def __init__(self):
        self.sent = []

    def notify(self, title, message):
        self.sent.append((title, message))


class FakeNetwork(NetworkMonitor):
    def __init__(self):
        self.value = "wifi"

    def state(self):
        return self.value


def fake_devices() -> Devices:
    return Devices(camera=FakeCamera(), recorder=FakeRecorder(), locator=FakeLocator(), notifier=FakeNotifier(),
                   permissions=Permissions(), network=FakeNetwork())
