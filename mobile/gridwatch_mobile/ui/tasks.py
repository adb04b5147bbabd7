"""Network work off the UI thread; results handed back through Clock.schedule_once."""
import logging
import threading

from kivy.clock import Clock

log = logging.getLogger(__name__)


def run_async(work, on_done=None, on_error=None) -> threading.Thread:
    """Run ``work()`` in a thread; then ``on_done(result)`` or ``on_error(exc)`` on the UI thread."""
    def target():
        try:
            result = work()
        except Exception as exc:  # handed to the screen, which says what went wrong
            log.info("background work failed: %r", exc)
            if on_error is not None:
                Clock.schedule_once(lambda _dt, e=exc: on_error(e))
            return
        if on_done is not None:
            Clock.schedule_once(lambda _dt: on_done(result))
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread
