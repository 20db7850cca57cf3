"""Panels that other apps add to an object's page: the core and the lower apps import no higher one.

A seed's page (patents) shows the SMEs that fit it (matching) and the SMEs interested in it (smes);
an SME's shared profile (smes, as companies see it) shows the reader's company's deals with it
(negotiations).
An app registers a panel for a subject in its `AppConfig.ready()` (through the module it imports there):

    @kawasaki.detail_panels.register_panel("seed", key="fits", order=10)
    def seed_fits(*, request, obj) -> DetailPanel | None: ...

A panel answers None when the reader may not see it (it starts from its app's selectors and the
reader's membership), in a fixed number of queries. `panels_for()` returns the panels shown, lowest
`order` first; the page includes each panel's template with `panel` in its context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

SUBJECTS = ("seed", "shared_sme")


@dataclass(frozen=True)
class DetailPanel:
    """One panel: its heading, the template that draws it and what that template needs."""

    title: str | Promise
    template: str
    context: dict = field(default_factory=dict)
    key: str = ""


PanelFunc = Callable[..., "DetailPanel | None"]
PANELS: dict[str, list[tuple[int, int, str, PanelFunc]]] = {subject: [] for subject in SUBJECTS}


def register_panel(subject: str, *, key: str, order: int = 100):
    """Register `func(*, request, obj) -> DetailPanel | None` as a panel of a subject's page."""
    if subject not in PANELS:
        raise ValueError(f"Unknown subject {subject!r}; one of {SUBJECTS}.")

    def decorator(func: PanelFunc) -> PanelFunc:
        if all(existing != key for _o, _s, existing, _f in PANELS[subject]):
            PANELS[subject].append((order, len(PANELS[subject]), key, func))
        return func

    return decorator


def panels_for(subject: str, *, request, obj) -> list[DetailPanel]:
    """The panels of one object's page this reader may see, lowest order first."""
    shown = []
    for _order, _seq, key, func in sorted(PANELS[subject], key=lambda entry: entry[:2]):
        panel = func(request=request, obj=obj)
        if panel is not None:
            shown.append(panel if panel.key else DetailPanel(panel.title, panel.template, panel.context, key))
    return shown
