"""Fixtures of the hostile-input battery: one of everything, and an admin who sees it all."""

from __future__ import annotations

import pytest

from hostile.world import World, as_admin, build_world


@pytest.fixture
def world(app, smtp) -> World:
    return build_world(app)


@pytest.fixture
def admin(client, world):
    """``client`` logged in as an admin (every staff page opens)."""
    return as_admin(client)
