"""``python -m tests.security.stall_worker worker …``: the gridwatch command with faults put into the pipeline.

- ``GW_STALL_MARKER``: once a case and its first event are written (flushed, not committed), the process writes its
  pid to that file and waits, so that a test can SIGKILL the worker (or stop Redis) in the middle of the job. It waits
  until the file named by ``GW_STALL_RELEASE`` exists (at most 600 s); without it, 600 s.
- ``GW_FAIL_TEXT`` and ``GW_FAIL_ONCE``: the first report whose text contains ``GW_FAIL_TEXT`` fails once in analysis
  (the file ``GW_FAIL_ONCE`` records that it did), so the queue's delayed retry must bring it back."""
import os
import sys
import time
from pathlib import Path


def install(marker: str, release: str | None) -> None:
    """Wrap the event writer that case opening uses (``record``, the service's system steps) with the stall."""
    from server.pipeline import opening
    original = opening.record

    def stalled(case, action, *args, **kwargs):
        event = original(case, action, *args, **kwargs)
        if action == "create" and not (release and Path(release).exists()):
            from server.extensions import db
            db.session.flush()
            Path(marker).write_text(str(os.getpid()))
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not (release and Path(release).exists()):
                time.sleep(0.05)
        return event

    opening.record = stalled


def install_failure(text: str, flag: str) -> None:
    """Make the first text-only analysis of a report containing ``text`` fail once."""
    from server.pipeline import stages
    original = stages.process_text  # run by a report's own job and by a batch of reports alike

    def failing(report, *args, **kwargs):
        if not Path(flag).exists() and text in (report.text or ""):
            Path(flag).write_text(str(report.id))
            raise RuntimeError("injected failure: the retry must bring this report back")
        return original(report, *args, **kwargs)

    stages.process_text = failing


if __name__ == "__main__":
    if os.environ.get("GW_STALL_MARKER"):
        install(os.environ["GW_STALL_MARKER"], os.environ.get("GW_STALL_RELEASE"))
    if os.environ.get("GW_FAIL_TEXT"):
        install_failure(os.environ["GW_FAIL_TEXT"], os.environ["GW_FAIL_ONCE"])
    from server.cli import main
    sys.argv = ["gridwatch", *sys.argv[1:]]
    main()
