"""Deleting one's account from the phone, against the real server: the server forgets the person, the phone too."""
import pytest

from mobile.gridwatch_mobile.core.api import ApiError

from .conftest import Phone

PHONE_NUMBER, PASSWORD = "13700000031", "phone-pass-31"


def test_a_resident_deletes_their_account_from_the_phone(live, phone, tmp_path):
    phone.core.register(PHONE_NUMBER, PASSWORD, "孙女士")
    item = phone.core.submit_report("小区门口井盖不见了，我的电话13700000031", "accident.manhole",
                                    lat=28.2345, lon=112.9067)
    assert [i.client_uuid for i in phone.core.sync_now().sent] == [item.client_uuid]
    phone.core.refresh_reports()
    waiting = phone.core.submit_report("还有一处", lat=28.2345, lon=112.9067)
    with pytest.raises(ApiError) as wrong:
        phone.core.delete_account("not-my-password-1")
    assert wrong.value.status == 401 and phone.core.settings.token, "nothing changes when the server refuses"
    assert phone.core.delete_account(PASSWORD) == {"deleted": True, "reports_anonymised": 1}
    assert phone.core.settings.token is None and phone.core.user is None
    assert phone.core.reports.entries() == [] and phone.core.outbox.get(waiting.id) is None
    other = Phone(tmp_path / "other", live.url)
    try:
        with pytest.raises(ApiError) as refused:
            other.core.login(PHONE_NUMBER, PASSWORD)
        assert refused.value.status == 401, "the account is gone on the server"
    finally:
        other.core.close()
