"""The generic task layer: enqueue on RQ or the embedded worker thread, delayed jobs and the periodic schedule."""
