"""What the organisation tells the rest of the hub, without importing it.

``hub.org`` sits below the features and below sign-in (``hub.auth`` imports it, never the
other way round); a feature that must act on an organisational change connects to one of
these signals when the app is made (``hub.register_hooks``).  Receivers run in the
sender's transaction: what they write is committed or rolled back with the change.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: ``user`` was just deactivated (sent with the current app as sender): whatever lets
#: them in — sessions, API tokens — must end.
user_deactivated = _signals.signal("user-deactivated")
