"""The admin web's cookie sessions keep one signing serializer per key set, and follow a change of keys."""
import pytest
from itsdangerous import BadSignature

from server.web.cookie_sessions import CookieSessions


def test_one_serializer_per_key_set_and_a_new_one_when_the_keys_change(app):
    sessions = app.session_interface
    assert isinstance(sessions, CookieSessions)
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    cookie = first.dumps({"user": 7})
    old = app.secret_key
    app.secret_key = "a-new-secret-key-for-this-test-only"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not first
    assert rotated.loads(cookie) == {"user": 7}  # signed with the old key: still valid as a fallback
    app.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):
        sessions.get_signing_serializer(app).loads(cookie)  # the old key retired: no longer valid

