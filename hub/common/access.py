"""The shape every feature's ``access.py`` answers in: what one person may see of one item.

Each feature decides who may see and do what in its own ``hub/<feature>/access.py``; this
module only gives the answer a common form, so that a page, an API schema, an e-mail, an
export and the search all read the same answer instead of deciding with their own ``if``.

``ItemView(item, fields, **values)``: ``fields`` names what the viewer may see of ``item``;
``view.shows("answer")`` asks, ``view.answer`` reads it (from ``values`` when the access
module computed it, else from the item) and is ``None`` for a field the viewer may not see,
so a template that forgets to ask still shows nothing it must not.  Templates mark each
field they render with ``data-field="<name>"``; the parity tests compare those names with
the keys the API returns for the same person and item.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class ItemView:
    __slots__ = ("item", "fields", "actions", "_values")

    def __init__(self, item: Any, fields: Iterable[str], *, actions: Iterable[str] = (),
                 **values: Any) -> None:
        self.item = item
        self.fields = frozenset(fields)
        self.actions = tuple(actions)
        self._values = values

    def shows(self, *names: str) -> bool:
        """Whether the viewer may see every one of ``names``."""
        return all(name in self.fields for name in names)

    def shows_any(self, *names: str) -> bool:
        return any(name in self.fields for name in names)

    def may(self, action: str) -> bool:
        return action in self.actions

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.fields:
            return None
        if name in self._values:
            return self._values[name]
        return getattr(self.item, name)

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __repr__(self) -> str:
        return f"<ItemView of {self.item!r}: {sorted(self.fields)}>"
