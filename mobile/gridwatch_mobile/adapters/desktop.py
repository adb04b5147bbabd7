"""Desktop adapters: the file chooser for photos and recordings, sounddevice where PortAudio exists,
manual location, in-app notices."""
import logging
import threading
import wave

from ..core.sync import Network
from .base import AudioRecorder, Camera, Locator, NetworkMonitor, Notifier, Permissions
from .chooser import AUDIO_FILTERS, PHOTO_FILTERS, choose_files, copy_into

log = logging.getLogger(__name__)


class ChooserCamera(Camera):
    """A desktop has no camera to drive: both actions choose image files."""

    def take_photo(self, dest_dir, on_done):
        choose_files("report.take_photo", PHOTO_FILTERS, False,
                     lambda paths: on_done(copy_into(dest_dir, paths[0]) if paths else None, None))

    def pick_photos(self, dest_dir, on_done):
        choose_files("report.pick_photo", PHOTO_FILTERS, True, lambda paths: on_done([copy_into(dest_dir, p) for p in paths], None))


def _sounddevice():
    """The sounddevice module when PortAudio and an input device exist, else None."""
    try:
        import sounddevice
        sounddevice.query_devices(kind="input")
        return sounddevice
    except Exception as exc:  # ImportError, OSError (no PortAudio), PortAudioError (no input)
        log.info("no desktop recording: %s", exc)
        return None


class SoundDeviceRecorder(AudioRecorder):
    """16 kHz mono WAV through sounddevice; the level is the block's peak."""

    extension = ".wav"
    RATE = 16000

    def __init__(self):
        self._sd = _sounddevice()
        self._stream = None
        self._wav = None
        self._level = 0.0
        self._path = None
        self._lock = threading.Lock()

    def available(self):
        return (True, None) if self._sd is not None else (False, "device.no_recorder")

    def start(self, path):
        if self._sd is None:
            raise RuntimeError("no recorder")
        self._path = path
        self._wav = wave.open(path, "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(self.RATE)
        self._stream = self._sd.RawInputStream(samplerate=self.RATE, channels=1, dtype="int16",
                                               callback=self._block)
        self._stream.start()

    def _block(self, data, frames, time_info, status):
        raw = bytes(data)
        with self._lock:
            if self._wav is not None:
                self._wav.writeframes(raw)
        samples = memoryview(raw).cast("h")
        peak = max((abs(s) for s in samples), default=0)
        self._level = min(1.0, peak / 32768)

    def level(self):
        return self._level

    def stop(self):
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
        with self._lock:
            if self._wav is not None:
                self._wav.close()
                self._wav = None
        self._level = 0.0
        return self._path

    def pick_file(self, dest_dir, on_done):
        choose_files("report.pick_audio", AUDIO_FILTERS, False,
                     lambda paths: on_done(copy_into(dest_dir, paths[0]) if paths else None, None))


class ManualLocator(Locator):
    """No GPS on a desktop: the reporter types an address or coordinates."""

    def locate(self, on_location, on_error):
        on_error("device.no_gps")


class InAppNotifier(Notifier):
    """Notices shown in the app's message bar."""

    def notify(self, title, message):
        from kivy.app import App
        app = App.get_running_app()
        if app is not None and hasattr(app, "show_message"):
            app.show_message(f"{title}：{message}")


class DesktopNetwork(NetworkMonitor):
    """A desktop is treated as unmetered; being offline shows up as failed sends."""

    def state(self):
        return Network.WIFI


def devices():
    from . import Devices
    return Devices(camera=ChooserCamera(), recorder=SoundDeviceRecorder(), locator=ManualLocator(),
                   notifier=InAppNotifier(), permissions=Permissions(), network=DesktopNetwork())
