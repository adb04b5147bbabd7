"""Report-to-dispatched latency bench."""
