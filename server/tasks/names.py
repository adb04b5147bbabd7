"""The queues by name (nothing slow shares a queue, or a worker, with reports)."""

REPORTS_QUEUE = "reports"          # text reports: every stage after intake
TRANSCRIBE_QUEUE = "transcribe"    # voice reports: Whisper first, then the same stages
MAINTENANCE_QUEUE = "maintenance"  # periodic jobs (schedule.py): sweeps, re-clustering, escalation, retention
WEBHOOK_QUEUE = "webhooks"         # department webhook deliveries
DEFAULT_QUEUE = "default"          # before queues by urgency: jobs still queued there are worked by report workers
QUEUES = (REPORTS_QUEUE, TRANSCRIBE_QUEUE, MAINTENANCE_QUEUE, WEBHOOK_QUEUE, DEFAULT_QUEUE)
# In-process, these queues get a thread of their own (a slow webhook receiver never delays a report).
OWN_THREAD = (WEBHOOK_QUEUE,)
