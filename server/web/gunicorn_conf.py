"""gunicorn settings shared by the Procfile and the test servers: ``gunicorn -c python:server.web.gunicorn_conf …``.

Only what every deployment needs lives here; workers, threads and the bind address stay on the command line."""

# JSON errors (not gunicorn's HTML pages) for requests gunicorn itself refuses; sync or threaded by --threads.
worker_class = "server.web.gunicorn_workers.JSONErrorWorker"
