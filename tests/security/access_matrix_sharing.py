"""Access-matrix rows of data sharing (/api/v1/sharing), added to access_matrix.MATRIX.

The world holds a pending and an approved request of the gas department (``dept_routed``), and a live export link of
the approved one: a link is its own credential (no sign-in), a key goes in the X-Share-Key header."""

REQUEST = {"kind": "reports", "categories": ["accident.gas_leak"], "areas": ["D01-S01"],
           "period_from": "2026-01-01T00:00:00+08:00", "period_to": "2026-02-01T00:00:00+08:00",
           "purpose": "燃气管网隐患排查", "use_until": "{share_use_until}"}
STAFF_ONLY = (401, 403, 403, 403, 403)  # anonymous, residents and grid workers


def sharing_rows(row) -> list:
    """The rows, built with access_matrix.row."""
    #                                                       d_rout d_oth super admin
    return [
        row("GET", "/api/v1/sharing/requests", STAFF_ONLY + (200, 200, 200, 200),
            note="a department lists its own requests, reviewers all"),
        row("POST", "/api/v1/sharing/requests", STAFF_ONLY + (201, 201, 403, 403), REQUEST,
            "only department staff ask, for their department"),
        row("GET", "/api/v1/sharing/requests/{share_pending}", STAFF_ONLY + (200, 404, 200, 200)),
        row("GET", "/api/v1/sharing/requests/999999", STAFF_ONLY + (404, 404, 404, 404)),
        row("POST", "/api/v1/sharing/requests/{share_pending}/approve", STAFF_ONLY + (403, 403, 200, 200), {}),
        row("POST", "/api/v1/sharing/requests/{share_approved}/approve", STAFF_ONLY + (403, 403, 409, 409), {},
            "not pending"),
        row("POST", "/api/v1/sharing/requests/{share_pending}/refuse", STAFF_ONLY + (403, 403, 200, 200),
            {"reason": "目的不明确"}),
        row("POST", "/api/v1/sharing/requests/{share_approved}/revoke", STAFF_ONLY + (403, 403, 200, 200),
            {"reason": "用途已结束"}),
        row("POST", "/api/v1/sharing/requests/{share_approved}/credentials", STAFF_ONLY + (201, 404, 201, 201),
            {"kind": "key"}),
        row("POST", "/api/v1/sharing/requests/{share_pending}/credentials", STAFF_ONLY + (409, 404, 409, 409),
            {"kind": "link"}, "not approved"),
        row("DELETE", "/api/v1/sharing/credentials/{share_link_id}", STAFF_ONLY + (200, 404, 200, 200),
            note="one link or key stopped by its department or a reviewer"),
        row("DELETE", "/api/v1/sharing/credentials/999999", STAFF_ONLY + (404, 404, 404, 404)),
        row("GET", "/api/v1/sharing/accesses", STAFF_ONLY + (403, 403, 200, 200)),
        row("GET", "/api/v1/sharing/links/{share_link}", (200,) * 9, note="the link is the credential"),
        row("GET", "/api/v1/sharing/links/gwsl_unknown", (404,) * 9),
        row("GET", "/api/v1/sharing/links/{share_link}?format=xml", (422,) * 9),
        row("GET", "/api/v1/sharing/data", (401,) * 9, note="no X-Share-Key header"),
    ]
