"""The GridWatch server's REST API over requests, with the server's one error shape."""
import mimetypes
import time
from contextlib import ExitStack
from email.utils import parsedate_to_datetime
from pathlib import Path

import requests

DEFAULT_TIMEOUT = (5, 60)  # connect, read (uploads on a slow network take a while)


class NetworkError(Exception):
    """The server could not be reached (no signal, server down, timeout)."""


class ApiError(Exception):
    """The server answered with an error: HTTP status, code, message and field errors."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None,
                 retry_after: float | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors or {}
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After), or None

    def first_field_error(self) -> str:
        """The first field message, flattened, or the message."""
        def first(value):
            if isinstance(value, dict):
                for v in value.values():
                    return first(v)
            if isinstance(value, list) and value:
                return first(value[0])
            return value
        found = first(self.errors) if self.errors else None
        return str(found) if found else self.message


MAX_RETRY_AFTER = 24 * 3600.0  # a server asking for more than a day is misconfigured: wait a day at most


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _form_value(value) -> str:
    """A form field as text (multipart fields are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ApiClient:
    """One server, optionally signed in with a bearer token."""

    def __init__(self, base_url: str, token: str | None = None, timeout=DEFAULT_TIMEOUT,
                 session: requests.Session | None = None, language: str = "zh"):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.language = language
        self.timeout = timeout
        self.session = session or requests.Session()

    def _url(self, path: str) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        if not path.startswith("/api/"):
            path = "/api/v1" + path
        return self.base_url + path

    def _headers(self) -> dict:
        # The server's messages (errors, notifications) come in the app's language.
        headers = {"Accept": "application/json",
                   "Accept-Language": "en, zh-CN;q=0.5" if self.language == "en" else "zh-CN, zh;q=0.9, en;q=0.5"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        return headers

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send a request; NetworkError when unreachable, ApiError on any 4xx/5xx."""
        try:
            response = self.session.request(method, self._url(path), headers=self._headers(),
                                            timeout=self.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise NetworkError(str(exc)) from exc
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(response.status_code, body.get("code") or f"http_{response.status_code}",
                           body.get("message") or response.reason or "error", body.get("errors") or {},
                           retry_after_seconds(response.headers.get("Retry-After")))
        return response

    def get_json(self, path: str, **params):
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None}).json()

    def post_json(self, path: str, body: dict):
        return self.request("POST", path, json=body).json()

    # --- accounts ---------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict:
        """Sign in; keeps the token."""
        body = self.post_json("/auth/login", {"username": username, "password": password})
        self.token = body["access_token"]
        return body

    def register(self, phone: str, password: str, display_name: str | None = None) -> dict:
        """Register a resident; keeps the token."""
        payload = {"phone": phone, "password": password}
        if display_name:
            payload["display_name"] = display_name
        body = self.post_json("/auth/register", payload)
        self.token = body["access_token"]
        return body

    def me(self) -> dict:
        return self.get_json("/auth/me")

    def delete_account(self, password: str) -> dict:
        """Delete the signed-in resident's account for good (confirmed with the password); forgets the token."""
        body = self.post_json("/auth/delete", {"password": password, "confirm": True})
        self.token = None
        return body

    # --- reports ----------------------------------------------------------------------------
    def categories(self) -> list[dict]:
        return self.get_json("/categories")

    def submit_report(self, fields: dict, files: list[tuple[str, str]]) -> tuple[int, dict]:
        """POST a report: JSON without files, multipart with ``photos``/``audio``; (status, report)."""
        fields = {k: v for k, v in fields.items() if v is not None}
        if not files:
            response = self.request("POST", "/reports", json=fields)
            return response.status_code, response.json()
        return self._multipart("/reports", fields, files)

    def _multipart(self, path: str, fields: dict, files: list[tuple[str, str]]) -> tuple[int, dict]:
        with ExitStack() as stack:
            parts = []
            for field, file_path in files:
                mime = mimetypes.guess_type(file_path)[0] or "application/octet-stream"
                parts.append((field, (Path(file_path).name, stack.enter_context(open(file_path, "rb")), mime)))
            data = {k: _form_value(v) for k, v in fields.items() if v is not None}
            response = self.request("POST", path, data=data, files=parts)
        return response.status_code, response.json()

    def my_reports(self, page: int = 1, per_page: int = 50) -> dict:
        return self.get_json("/reports", page=page, per_page=per_page)

    def report(self, report_id: int) -> dict:
        return self.get_json(f"/reports/{report_id}")

    def rate(self, report_id: int, rating: str, comment: str | None = None) -> dict:
        return self.post_json(f"/reports/{report_id}/rating", {"rating": rating, "comment": comment})

    def report_feedback(self, report_id: int) -> dict:
        return self.get_json(f"/reports/{report_id}/feedback")

    def download(self, url: str, dest: Path) -> Path:
        """Fetch a media URL (signed-in) into a file."""
        response = self.request("GET", url)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".part")
        tmp.write_bytes(response.content)
        tmp.replace(dest)
        return dest

    def nearby(self, lat: float, lon: float, category: str | None = None, radius: int | None = None) -> dict:
        """Open reports near a point (same kind when a category is given), with their support counts."""
        return self.get_json("/reports/nearby", lat=f"{lat:.6f}", lon=f"{lon:.6f}", category=category, radius=radius)

    def support(self, report_id: int, client_uuid: str) -> tuple[int, dict]:
        """我也遇到了: add my support to a report (a re-send with the same UUID answers the same)."""
        response = self.request("POST", f"/reports/{report_id}/support", json={"client_uuid": client_uuid})
        return response.status_code, response.json()

    def grids(self) -> dict:
        """The city's grid polygons (GeoJSON), the base map when there are no tiles."""
        return self.get_json("/areas/grids.geojson")

    # --- notifications ------------------------------------------------------------------------
    def notifications(self, unread: bool | None = None, per_page: int | None = None) -> dict:
        return self.get_json("/notifications", unread=None if unread is None else str(unread).lower(),
                             per_page=per_page)

    def mark_read(self, ids: list[int] | None = None) -> dict:
        """Mark the given notifications read, or all of mine."""
        return self.post_json("/notifications/read", {"ids": ids or [], "all": ids is None})

    # --- grid workers ---------------------------------------------------------------------------
    def patrol_tasks(self, day: str | None = None) -> dict:
        return self.get_json("/patrols/tasks", date=day)

    def patrol_results(self, task_id: int, results: list[dict]) -> dict:
        return self.post_json(f"/patrols/tasks/{task_id}/results", {"results": results})

    def verification_cases(self) -> dict:
        return self.get_json("/cases", queue="verification", per_page=50)

    def case(self, case_id: int) -> dict:
        return self.get_json(f"/cases/{case_id}")

    def verify_case(self, case_id: int, passed: bool, note: str | None, photos: list[str]) -> tuple[int, dict]:
        return self._multipart(f"/cases/{case_id}/verification", {"passed": passed, "note": note},
                               [("photos", p) for p in photos])
