"""The installed luigi still has every private name kartwheel uses."""

from __future__ import annotations

import luigi
from kartwheel._luigi.names import MODULE_NAMES, missing_names


def test_every_private_luigi_name_in_use_exists():
    assert missing_names() == [], f"luigi {luigi.__version__} lacks names kartwheel relies on"


def test_the_check_notices_a_missing_name(monkeypatch):
    monkeypatch.setattr("kartwheel._luigi.names.MODULE_NAMES", (*MODULE_NAMES, "luigi.task:Task._no_such_name"))
    assert missing_names() == ["luigi.task:Task._no_such_name"]
