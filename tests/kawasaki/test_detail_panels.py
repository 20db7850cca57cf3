"""The core's registry of panels on an object's page: order, None for readers who may not see it."""

import pytest

from kawasaki import detail_panels
from kawasaki.detail_panels import DetailPanel, panels_for, register_panel


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(detail_panels, "PANELS", {"seed": []})


def test_panels_in_order_and_hidden_when_none(empty_registry):
    register_panel("seed", key="late", order=50)(lambda *, request, obj: DetailPanel("late", "t.html"))
    register_panel("seed", key="hidden", order=1)(lambda *, request, obj: None)
    register_panel("seed", key="early", order=10)(lambda *, request, obj: DetailPanel(obj, "t.html"))
    shown = panels_for("seed", request=None, obj="seed-1")
    assert [(p.key, p.title) for p in shown] == [("early", "seed-1"), ("late", "late")]


def test_a_key_registers_once_and_subjects_are_known(empty_registry):
    for _ in range(2):
        register_panel("seed", key="once")(lambda *, request, obj: DetailPanel("x", "t.html"))
    assert len(panels_for("seed", request=None, obj=None)) == 1
    with pytest.raises(ValueError, match="Unknown subject"):
        register_panel("nothing", key="x")
