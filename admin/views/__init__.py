"""The admin pages, one module per area."""
from . import (audit, cases, citymap, exports, hotspots, inbox, jobs, manage_areas, manage_keys,  # noqa: F401
               library, manage_org, manage_taxonomy, metrics, notifications, overview, queues, session, sharing,
               transcripts)
