"""Load without loss: thousands of reports (some with photos) through gunicorn, PostgreSQL, Redis and two RQ workers;
nothing lost, nothing duplicated, everything processed."""
