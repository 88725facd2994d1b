"""What the archive indexes: each feature registers a provider here (in its own
``search.py``), so ``hub.search`` never imports a feature and a feature never imports
another.

A provider says, for one kind of item:

* ``model`` — the SQLAlchemy class whose rows are the items;
* ``to_document(obj)`` — the searchable fields as a dict (``title``, ``body``, ``number``,
  ``department_id``, ``status``, ``date``, ``url``), or ``None`` when the item is not to be
  found at all (a draft, an unpublished announcement);
* ``access_terms(obj)`` — who may open the item, as terms such as ``user:7``,
  ``role:gm_office``, ``head:3`` (heads department 3).  They are derived from the same named
  permission functions the pages use; the same provider's ``held_terms(user)`` says which
  terms a user holds, and ``can_view(user, obj)`` is that very page rule, with which every
  hit is checked once more before it is shown;
* ``stale`` — other models whose changes change who may open items of this kind (reporting
  lines, unit memberships, exclusions, audience rows): model → function of the changed row
  returning the ids to re-index, or ``ALL`` for every item of the kind;
* ``all_ids()`` — every id of the kind, for rebuilds and ``search check``;
* ``author(obj)`` (optional) — who wrote the item and who may see that: ``(name, terms)``,
  the terms a subset of the item's access terms, or ``None`` (anonymous, or the writer
  shown to nobody but themself).  The name and its pinyin make the item findable by its
  writer's name for those holding those terms only; ``author_column`` (the model's
  ``author_id``) re-indexes a person's items when their name changes.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: Returned by a ``stale`` function: every item of the kind must be re-indexed.
ALL = object()

StaleRule = Callable[[Any], "Iterable[int] | object | None"]


@dataclass
class Provider:
    kind: str
    model: type
    to_document: Callable[[Any], dict | None]
    access_terms: Callable[[Any], set[str]]
    held_terms: Callable[[Any], set[str]]
    can_view: Callable[[Any, Any], bool]
    all_ids: Callable[[], Iterable[int]]
    #: label, bootstrap-icons name (without ``bi-``) and status labels for the page
    label: Any = ""
    icon: str = "file-text"
    status_labels: dict = field(default_factory=dict)
    stale: dict[type, StaleRule] = field(default_factory=dict)
    #: the Python ordering of the kinds on the page and in facets
    order: int = 100
    #: loader options (``selectinload`` …) for loading many items at once: what
    #: ``to_document``, ``access_terms`` and ``can_view`` read, so they do not query per item
    load_options: tuple = ()
    author: Callable[[Any], tuple[str, set[str]] | None] | None = None
    author_column: Any = None


PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    PROVIDERS[provider.kind] = provider
    return provider


def provider_for_model(cls: type) -> Provider | None:
    for provider in PROVIDERS.values():
        if isinstance(cls, type) and issubclass(cls, provider.model):
            return provider
    return None


def providers() -> list[Provider]:
    return sorted(PROVIDERS.values(), key=lambda p: (p.order, p.kind))
