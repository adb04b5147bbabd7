"""The periodic jobs: one list for the RQ scheduler (``gridwatch scheduler``) and the embedded loop (``gridwatch serve``).

They all run on the maintenance queue, so a long one (a re-clustering) never holds a report worker. Adding a job is one
line in ``PERIODIC``: the job function's dotted path (a function without arguments, run with the app context), the
``Config`` key of its interval in seconds, and its timeout. Nothing is imported until a scheduler runs: the list
names the features' jobs by their dotted paths, so the task layer imports nothing of the domain."""
from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from server.tasks.names import MAINTENANCE_QUEUE


@dataclass(frozen=True)
class Periodic:
    """A job run every ``Config[every]`` seconds on the maintenance queue."""

    func: str                # dotted path of the job function
    every: str               # the Config key holding its interval in seconds
    timeout: int = 600       # seconds before RQ stops it
    at_start: bool = True    # also run when the scheduler starts (else first after one interval)
    queue: str = MAINTENANCE_QUEUE
    first: str | None = None  # in-process only: run once when the embedded loop starts (its queue held nothing)

    @property
    def name(self) -> str:
        """The function's name, for logs."""
        return self.func.rpartition(".")[2]

    def load(self, path: str | None = None) -> Callable[[], object]:
        """Import the job function (or the function at another dotted path)."""
        module, _, attr = (path or self.func).rpartition(".")
        return getattr(import_module(module), attr)

    def interval(self, config) -> int:
        """Seconds between two runs under this configuration."""
        return max(1, int(config[self.every]))


PERIODIC: tuple[Periodic, ...] = (
    Periodic("server.pipeline.sweeper.sweep_job", "SWEEP_INTERVAL_SECONDS", first="server.pipeline.sweeper.sweep_lost"),
    Periodic("server.webhooks.delivery.resume_job", "SWEEP_INTERVAL_SECONDS"),
    Periodic("server.hotspots.recluster.recluster_job", "RECLUSTER_INTERVAL_SECONDS", timeout=1800, at_start=False),
    Periodic("server.cases.escalation.escalate_overdue_job", "CASE_ESCALATION_INTERVAL_SECONDS"),
    Periodic("server.notifications.deadlines.warn_nearing_job", "CASE_ESCALATION_INTERVAL_SECONDS"),
    Periodic("server.notifications.outbound.resume_job", "SWEEP_INTERVAL_SECONDS"),
    Periodic("server.accounts.retention.retention_job", "RETENTION_INTERVAL_SECONDS", timeout=1800, at_start=False),
    Periodic("server.alerts.service.alerts_job", "ALERTS_INTERVAL_SECONDS", timeout=1800),
)
