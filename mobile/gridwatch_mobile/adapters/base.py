"""What the app needs from a device; each platform implements these."""


class Camera:
    """Photos taken or chosen, copied into ``dest_dir``; results come back on the UI thread."""

    def take_photo(self, dest_dir: str, on_done) -> None:
        """Call ``on_done(path_or_None, error_or_None)``."""
        raise NotImplementedError

    def pick_photos(self, dest_dir: str, on_done) -> None:
        """Call ``on_done(list_of_paths, error_or_None)``."""
        raise NotImplementedError


class AudioRecorder:
    """Voice recorded into app storage, with a level for the meter."""

    extension = ".m4a"

    def available(self) -> tuple[bool, str | None]:
        """Whether recording works here, and the message key when it does not."""
        return True, None

    def start(self, path: str) -> None:
        raise NotImplementedError

    def level(self) -> float:
        """The current input level, 0..1."""
        return 0.0

    def stop(self) -> str | None:
        """Stop; the recorded file's path (None if nothing was recorded)."""
        raise NotImplementedError

    def pick_file(self, dest_dir: str, on_done) -> None:
        """Choose an existing recording: ``on_done(path_or_None, error_or_None)``."""
        on_done(None, "device.no_recorder")


class Locator:
    """Where the phone is."""

    def locate(self, on_location, on_error) -> None:
        """``on_location(lat, lon, accuracy_m)`` once, or ``on_error(message_key)``."""
        raise NotImplementedError

    def stop(self) -> None:
        pass


class Notifier:
    """System notifications."""

    def notify(self, title: str, message: str) -> None:
        raise NotImplementedError


class Permissions:
    """Runtime permission requests (Android 6+)."""

    CAMERA, RECORD_AUDIO, LOCATION, NOTIFICATIONS = "camera", "record_audio", "location", "notifications"

    def request(self, permissions: list[str], on_result) -> None:
        """``on_result(granted: bool)`` after the user answered."""
        on_result(True)


class NetworkMonitor:
    """What the phone is connected to: ``core.sync.Network`` values."""

    def state(self) -> str:
        raise NotImplementedError
