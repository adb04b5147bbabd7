"""Serving a link's or key's data: the use checked and logged, the rows streamed, their count recorded at the end."""
from collections.abc import Iterator

from flask import Response, request, stream_with_context

from server.models import ShareAccess, User
from server.sharing import credentials, data
from server.sharing.scope import scope_of

MIMETYPES = {"csv": "text/csv", "json": "application/json"}


def _counted(access_id: int, items: Iterator[dict]) -> Iterator[dict]:
    """The rows, their number written to the access log when the download ends (or is cut off)."""
    count, outcome = 0, "cut_off"
    try:
        for item in items:
            yield item
            count += 1
        outcome = "ok"
    finally:
        credentials.finish_access(access_id, count, outcome)


def serve(secret: str | None, kind: str, fmt: str, user: User | None = None) -> Response:
    """The download of a link (``kind`` link) or key (``kind`` key) in ``fmt`` (csv or json)."""
    access: ShareAccess = credentials.open_access(secret, kind, user=user, ip=request.remote_addr, fmt=fmt)
    share = access.request
    scope = scope_of(share)
    items = _counted(access.id, data.rows(scope))
    chunks = data.csv_text(scope, items) if fmt == "csv" else data.json_text(scope, share.id, items)
    response = Response(stream_with_context(chunks), mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="share-{share.id}-{scope.kind}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response
