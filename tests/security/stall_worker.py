"""``python -m tests.security.stall_worker worker …``: the gridwatch command with a stall in routing.

Once a case and its first event are written (flushed, not committed), the process writes its pid to the file named
by ``GW_STALL_MARKER`` and sleeps, so that a test can SIGKILL the worker in the middle of the job."""
import os
import sys
import time
from pathlib import Path


def install(marker: str) -> None:
    """Wrap routing's event writer with the stall."""
    from server.pipeline import routing
    original = routing.append_event

    def stalled(case, action, *args, **kwargs):
        event = original(case, action, *args, **kwargs)
        if action == "create":
            from server.extensions import db
            db.session.flush()
            Path(marker).write_text(str(os.getpid()))
            time.sleep(600)
        return event

    routing.append_event = stalled


if __name__ == "__main__":
    install(os.environ["GW_STALL_MARKER"])
    from server.cli import main
    sys.argv = ["gridwatch", *sys.argv[1:]]
    main()
