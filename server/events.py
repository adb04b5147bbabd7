"""Domain events as blinker signals: who publishes each, and what its subscribers receive.

``case_event``: sent by ``server.cases.log.append_event`` after a case event's row is added to the session, inside
the transaction (sender: the ``Case``; keyword ``event``: the ``CaseEvent``). Subscribers add their own rows to the
same transaction (in-app notifications, webhook deliveries); anything sent outside the platform goes only after
the commit (webhook deliveries are queued by an ``after_commit`` hook). Subscribers connect in their feature's
``init_app``, called by ``create_app``; the case log imports none of them.
"""
from blinker import Namespace

signals = Namespace()

case_event = signals.signal("case-event")
