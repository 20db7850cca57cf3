"""The dependency order of the apps holds: core → patents, smes → matching → negotiations, subsidies → reports.

An app imports only from apps below it (or its peer at the same level, where the design links them:
smes reads patents' published seeds, subsidies links an application to a deal); a lower app that must
react to a higher one does so through a signal or a registry the core offers. The scan is
`benchmarks/imports_between_apps.py` (run it with --list to see every import between apps).
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _scanner():
    spec = importlib.util.spec_from_file_location(
        "imports_between_apps", ROOT / "benchmarks" / "imports_between_apps.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_app_imports_an_app_above_it():
    scanner = _scanner()
    upward = [
        f"{file}:{line} {src} -> {dst}"
        for file, line, src, dst, _local in scanner.scan()
        if scanner.LEVEL[dst] > scanner.LEVEL[src]
    ]
    assert upward == []


def test_the_core_imports_no_domain_app():
    scanner = _scanner()
    assert [row for row in scanner.scan() if row[2] == "kawasaki"] == []


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
def test_no_runtime_files_are_tracked():
    """kombu's filesystem transport writes its control files under var/, never into the source tree."""
    tracked = subprocess.run(
        ["git", "ls-files", "control", "var"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == []
