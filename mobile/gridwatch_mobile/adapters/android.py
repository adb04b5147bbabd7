"""Android adapters: camera and gallery through intents (plyer's camera breaks on recent Android), MediaRecorder,
GPS, notifications and runtime permissions. Imported only on Android."""
import logging
import os
import uuid

from jnius import autoclass, cast
from kivy.clock import Clock, mainthread

from ..core.sync import Network
from .base import AudioRecorder, Camera, Locator, NetworkMonitor, Notifier, Permissions

log = logging.getLogger(__name__)

PythonActivity = autoclass("org.kivy.android.PythonActivity")
Intent = autoclass("android.content.Intent")
MediaStore = autoclass("android.provider.MediaStore")
ContentValues = autoclass("android.content.ContentValues")
FileOutputStream = autoclass("java.io.FileOutputStream")
Activity = autoclass("android.app.Activity")

REQUEST_TAKE_PHOTO, REQUEST_PICK_PHOTOS, REQUEST_PICK_AUDIO = 0x4701, 0x4702, 0x4703


def _activity():
    return PythonActivity.mActivity


def copy_uri(uri, target: str) -> str:
    """Copy a content:// URI into a file in app storage."""
    resolver = _activity().getContentResolver()
    source = resolver.openInputStream(uri)
    sink = FileOutputStream(target)
    try:
        buffer = bytearray(64 * 1024)
        while True:
            n = source.read(buffer)
            if n is None or n < 0:
                break
            sink.write(buffer, 0, n)
    finally:
        source.close()
        sink.close()
    return target


class _ResultRouter:
    """One on_activity_result binding, dispatching by request code."""

    def __init__(self):
        from android import activity
        self.waiting = {}
        activity.bind(on_activity_result=self._on_result)

    def expect(self, code, callback):
        self.waiting[code] = callback

    def _on_result(self, request_code, result_code, data):
        callback = self.waiting.pop(request_code, None)
        if callback is not None:
            Clock.schedule_once(lambda *_: callback(result_code == Activity.RESULT_OK, data))


_router = None


def router() -> _ResultRouter:
    global _router
    if _router is None:
        _router = _ResultRouter()
    return _router


def _uris(data) -> list:
    """The content URIs an ACTION_GET_CONTENT result carries (one or several)."""
    if data is None:
        return []
    clip = data.getClipData()
    if clip is not None:
        return [clip.getItemAt(i).getUri() for i in range(clip.getItemCount())]
    return [data.getData()] if data.getData() is not None else []


class IntentCamera(Camera):
    """The system camera app writes into a MediaStore entry that is then copied into app storage."""

    def take_photo(self, dest_dir, on_done):
        values = ContentValues()
        values.put(MediaStore.MediaColumns.DISPLAY_NAME, f"gridwatch-{uuid.uuid4().hex[:8]}.jpg")
        values.put(MediaStore.MediaColumns.MIME_TYPE, "image/jpeg")
        resolver = _activity().getContentResolver()
        uri = resolver.insert(MediaStore.Images.Media.EXTERNAL_CONTENT_URI, values)
        intent = Intent(MediaStore.ACTION_IMAGE_CAPTURE)
        intent.putExtra(MediaStore.EXTRA_OUTPUT, cast("android.os.Parcelable", uri))
        intent.addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION)

        def done(ok, _data):
            if not ok:
                resolver.delete(uri, None, None)
                on_done(None, None)
                return
            os.makedirs(dest_dir, exist_ok=True)
            on_done(copy_uri(uri, os.path.join(dest_dir, f"{uuid.uuid4().hex}.jpg")), None)

        router().expect(REQUEST_TAKE_PHOTO, done)
        _activity().startActivityForResult(intent, REQUEST_TAKE_PHOTO)

    def pick_photos(self, dest_dir, on_done):
        intent = Intent(Intent.ACTION_GET_CONTENT)
        intent.setType("image/*")
        intent.addCategory(Intent.CATEGORY_OPENABLE)
        intent.putExtra(Intent.EXTRA_ALLOW_MULTIPLE, True)

        def done(ok, data):
            os.makedirs(dest_dir, exist_ok=True)
            paths = [copy_uri(u, os.path.join(dest_dir, f"{uuid.uuid4().hex}.jpg")) for u in _uris(data)] if ok else []
            on_done(paths, None)

        router().expect(REQUEST_PICK_PHOTOS, done)
        _activity().startActivityForResult(intent, REQUEST_PICK_PHOTOS)


class MediaRecorderAudio(AudioRecorder):
    """AAC in an .m4a file in app storage; the meter reads getMaxAmplitude()."""

    extension = ".m4a"

    def __init__(self):
        self._recorder = None
        self._path = None

    def start(self, path):
        MediaRecorder = autoclass("android.media.MediaRecorder")
        recorder = MediaRecorder()
        recorder.setAudioSource(MediaRecorder.AudioSource.MIC)
        recorder.setOutputFormat(MediaRecorder.OutputFormat.MPEG_4)
        recorder.setAudioEncoder(MediaRecorder.AudioEncoder.AAC)
        recorder.setAudioSamplingRate(16000)
        recorder.setAudioEncodingBitRate(32000)
        recorder.setOutputFile(path)
        recorder.prepare()
        recorder.start()
        self._recorder, self._path = recorder, path

    def level(self):
        return min(1.0, self._recorder.getMaxAmplitude() / 32767) if self._recorder else 0.0

    def stop(self):
        if self._recorder is None:
            return None
        try:
            self._recorder.stop()
        except Exception:  # stopped too soon: no valid file
            log.warning("recording too short")
            self._path = None
        self._recorder.release()
        self._recorder = None
        return self._path

    def pick_file(self, dest_dir, on_done):
        intent = Intent(Intent.ACTION_GET_CONTENT)
        intent.setType("audio/*")
        intent.addCategory(Intent.CATEGORY_OPENABLE)

        def done(ok, data):
            uris = _uris(data) if ok else []
            if not uris:
                on_done(None, None)
                return
            os.makedirs(dest_dir, exist_ok=True)
            on_done(copy_uri(uris[0], os.path.join(dest_dir, f"{uuid.uuid4().hex}.m4a")), None)

        router().expect(REQUEST_PICK_AUDIO, done)
        _activity().startActivityForResult(intent, REQUEST_PICK_AUDIO)


class GpsLocator(Locator):
    """The first GPS fix through plyer's gps (its GPS works; only its camera is broken)."""

    def __init__(self):
        self._running = False

    def locate(self, on_location, on_error):
        from plyer import gps

        @mainthread
        def location(**kw):
            self.stop()
            on_location(kw["lat"], kw["lon"], kw.get("accuracy"))

        @mainthread
        def status(stype, status):
            if stype == "provider-disabled":
                self.stop()
                on_error("device.no_gps")

        try:
            gps.configure(on_location=location, on_status=status)
            gps.start(minTime=1000, minDistance=0)
            self._running = True
        except Exception as exc:
            log.warning("gps: %s", exc)
            on_error("device.no_gps")

    def stop(self):
        if self._running:
            from plyer import gps
            gps.stop()
            self._running = False


class SystemNotifier(Notifier):
    def notify(self, title, message):
        from plyer import notification
        notification.notify(title=title, message=message, app_name="网格安全")


class RuntimePermissions(Permissions):
    NAMES = {"camera": "CAMERA", "record_audio": "RECORD_AUDIO", "location": "ACCESS_FINE_LOCATION",
             "notifications": "POST_NOTIFICATIONS"}

    def request(self, permissions, on_result):
        from android.permissions import Permission, check_permission, request_permissions
        wanted = [getattr(Permission, self.NAMES[p]) for p in permissions if hasattr(Permission, self.NAMES[p])]
        missing = [p for p in wanted if not check_permission(p)]
        if not missing:
            on_result(True)
            return

        def answered(_permissions, grants):
            Clock.schedule_once(lambda *_: on_result(all(grants)))

        request_permissions(missing, answered)


class AndroidNetwork(NetworkMonitor):
    """Wi-Fi (unmetered), cellular or none, from ConnectivityManager."""

    def state(self):
        Context = autoclass("android.content.Context")
        NetworkCapabilities = autoclass("android.net.NetworkCapabilities")
        manager = _activity().getSystemService(Context.CONNECTIVITY_SERVICE)
        network = manager.getActiveNetwork()
        caps = manager.getNetworkCapabilities(network) if network is not None else None
        if caps is None or not caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET):
            return Network.NONE
        if caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED):
            return Network.WIFI
        return Network.CELLULAR


def devices():
    from . import Devices
    return Devices(camera=IntentCamera(), recorder=MediaRecorderAudio(), locator=GpsLocator(),
                   notifier=SystemNotifier(), permissions=RuntimePermissions(), network=AndroidNetwork())
