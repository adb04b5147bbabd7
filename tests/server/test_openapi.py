"""The OpenAPI document is generated from the schemas."""


def test_openapi_document_lists_the_endpoints_and_schemas(client):
    response = client.get("/api/v1/openapi.json")
    spec = response.get_json()
    assert response.status_code == 200 and spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"/api/v1/reports", "/api/v1/reports/{report_id}", "/api/v1/auth/login",
            "/api/v1/media/{media_id}"} <= set(paths)
    body = paths["/api/v1/reports"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    schemas = spec["components"]["schemas"]
    assert "client_uuid" in schemas["ReportCreate"]["properties"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_unknown_route_uses_the_error_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert set(response.get_json()) == {"code", "message", "errors"}


def test_index_and_health(client):
    assert client.get("/").get_json()["api"] == "/api/v1/openapi.json"
    health = client.get("/healthz").get_json()
    assert health == {"status": "ok", "queue": "embedded"}


def test_the_document_is_built_once_on_first_request_and_stays_the_same(client):
    first = client.get("/api/v1/openapi.json").get_json()
    again = client.get("/api/v1/openapi.json").get_json()
    assert first == again and len(first["paths"]) > 50
    assert [t["name"] for t in first["tags"]].count("cases") == 1, "each blueprint documented once"
