"""Shared fixtures: the masque command line to compare with, and a cohort.

The CLI is `$MASQUE_BIN`, else the repository's `target/debug/masque`
(`cargo build --bin masque`). The cohort is made by the repository's
`tools/gen_cohort.py` (invented values), once per session.
"""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
ROWS = 3000


def masque_bin() -> str:
    path = os.environ.get("MASQUE_BIN") or str(REPO / "target" / "debug" / "masque")
    if not Path(path).is_file():
        pytest.fail(f"no masque binary at {path}: build it with `cargo build --bin masque` or set MASQUE_BIN")
    return path


def cli(*args, check=True) -> subprocess.CompletedProcess:
    """Runs the masque CLI; fails the test on a non-zero exit when `check`."""
    done = subprocess.run([masque_bin(), *map(str, args)], capture_output=True)
    if check and done.returncode != 0:
        pytest.fail(f"masque {' '.join(map(str, args))} failed: {done.stderr.decode(errors='replace')}")
    return done


def cli_json(*args):
    return json.loads(cli(*args).stdout)


def rows_of(data: bytes, encoding="cp1252", delimiter=";"):
    """The header and rows of CSV bytes (empty cells as '')."""
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter)
    rows = list(reader)
    return rows[0], rows[1:]


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("masque")


@pytest.fixture(scope="session")
def cohort(work) -> Path:
    """A generated cohort: ';', Windows-1252, CRLF, dd/mm/yyyy dates, decimal commas."""
    path = work / "cohort.csv"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_cohort.py"), "--rows", str(ROWS), "--seed", "7", "-o", str(path)],
        check=True,
    )
    return path


@pytest.fixture(scope="session")
def key_path(work) -> Path:
    """A key made by the CLI (`masque keygen`)."""
    path = work / "project.key.json"
    cli("keygen", "-o", path)
    return path
