"""Device features behind adapters: Android (pyjnius, intents) or desktop (file chooser, sounddevice), chosen at run time."""
from dataclasses import dataclass

from .base import AudioRecorder, Camera, Locator, NetworkMonitor, Notifier, Permissions


@dataclass
class Devices:
    """The device features the app uses."""

    camera: Camera
    recorder: AudioRecorder
    locator: Locator
    notifier: Notifier
    permissions: Permissions
    network: NetworkMonitor


def platform_devices(platform: str) -> Devices:
    """The adapters for this platform (``kivy.utils.platform``)."""
    if platform == "android":
        from . import android
        return android.devices()
    from . import desktop
    return desktop.devices()
