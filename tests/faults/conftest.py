from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.processes import Stack, running_stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    yield from running_stack(tmp_path)
