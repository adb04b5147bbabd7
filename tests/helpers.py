"""Small helpers shared by the tests."""
import uuid

from server.demo.data import load

PASSWORDS = {u["username"]: u["password"] for u in load("users")}
LOGIN = {role: next(u["username"] for u in load("users") if u["role"] == role)
         for role in ("resident", "grid_worker", "dept_staff", "supervisor", "admin")}


def login(client, username: str) -> dict:
    """Sign in a demo account; returns the Authorization header."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


def new_uuid() -> str:
    """A fresh client UUID, as a phone makes one."""
    return str(uuid.uuid4())
