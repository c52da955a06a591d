"""Rules about the code's shape, kept by reading it: where listeners, imports and routes live."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_fast_suite_leaves_out_every_browser_test():
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "not e2e"]
    listed = subprocess.run(
        [*collect, "tests/e2e", "tests/test_models.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    test_ids = [line for line in listed if "::" in line]
    assert any(test_id.startswith("tests/test_models.py::") for test_id in test_ids)
    assert not [test_id for test_id in test_ids if test_id.startswith("tests/e2e/")]
