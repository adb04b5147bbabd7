"""Hotspots: clustering reports in the database, supervisors' review, the re-clustering job, keyword IDF."""
