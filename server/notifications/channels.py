"""The outbound channel: how a notice leaves the platform (an SMS gateway, an official-account message).

``NOTIFY_CHANNEL`` chooses one: ``log`` (the demo's and the tests': a structured log line per notice, the phone
number masked) or ``none`` (in-app only, no delivery rows). A real gateway is one more class with ``send`` and one
more entry in ``CHANNELS``; ``send`` raises on failure (``outbound.deliver`` retries) and returns nothing, and
``needs_phone`` says whether a person without a phone number can be reached (else the delivery is ``no_address``).
"""
import json
import logging

from flask import current_app

from server.accounts.security import decrypt, mask_login, mask_phone

log = logging.getLogger("gridwatch.notifications.outbound")


class Recipient:
    """Who a notice goes to: the phone number (decrypted only to send) and what logs and rows may show."""

    def __init__(self, user):
        self.user_id = user.id
        self.phone = decrypt(user.phone_enc) if user.phone_enc else None
        self.masked = mask_phone(self.phone) if self.phone else mask_login(user.username)


class LogChannel:
    """Writes one JSON log line per notice: the demo's and the tests' channel."""

    name = "log"
    needs_phone = False  # it writes to the log whoever the person is

    def send(self, recipient: Recipient, text: str, *, notice_id: int, kind: str, case_number: str | None) -> None:
        log.info("notice %s", json.dumps({"notice": notice_id, "to": recipient.masked, "kind": kind,
                                           "case": case_number, "text": text}, ensure_ascii=False))


CHANNELS = {"log": LogChannel}


def current_channel():
    """The configured channel, or None when notices stay in-app (``none``)."""
    factory = CHANNELS.get(current_app.config["NOTIFY_CHANNEL"])
    return factory() if factory is not None else None
