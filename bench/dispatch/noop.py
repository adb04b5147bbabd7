"""The baseline's job: does nothing but say when it started (plain RQ enqueue → job start)."""
import time


def started(sent_at: float, body: bytes | None = None) -> float:
    """The wall-clock time the worker began the job (``sent_at`` is when the client enqueued it)."""
    return time.time()
