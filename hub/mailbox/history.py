"""The letter history steps the hub words itself, rendered in the reader's language when
shown (hub.common.history): ``LetterEvent.params`` names the key, these give the words."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: key → the step's text (a lazy string: also the notification's title, in its reader's
#: language).
HISTORY_MESSAGES = {
    "overdue_accept": lambda p: _l("超期：来信 %(number)s 尚未受理", number=p["number"]),
    "overdue_finish": lambda p: _l("超期：来信 %(number)s 尚未办结", number=p["number"]),
    "overdue_assignment": lambda p: _l("超期：督办来信 %(number)s 已过办理期限",
                                       number=p["number"]),
}
