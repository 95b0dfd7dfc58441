"""Starting the app: a faulty file or setting prints only its clean lines
and exits non-zero, with a bounded wait.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest
from conftest import REGIMENS, ROOT

BOOT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def broken_regimens(tmp_path):
    """regimens.toml with prednisolone's cap in mg (the dose is per day): the
    refusal names file, line and field; the line is found by hand."""
    text = REGIMENS.read_text(encoding="utf-8")
    before = 'value = 60, unit = "mg/day"'
    assert text.count(before) == 1
    path = tmp_path / "regimens.toml"
    path.write_text(text.replace(before, 'value = 60, unit = "mg"'), encoding="utf-8")
    line = 1 + text[:text.index(before)].count("\n")
    return path, f"{path}:{line}: regimens.prednisolone.cap.unit: "


START_COMMANDS = {
    "flask run": lambda port: [sys.executable, "-m", "flask", "--app", "app", "run",
                               "--port", str(port)],
}


def start_refused(command: str, env: dict[str, str]) -> tuple[int, list[str]]:
    """Exit status and the lines printed by a start that must fail, leaving
    out gunicorn's own log lines ("[date] [pid] [LEVEL] ...")."""
    result = subprocess.run(START_COMMANDS[command](free_port()), cwd=ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True,
                            timeout=BOOT_SECONDS)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Worker failed to boot" not in output
    return result.returncode, [line for line in output.splitlines()
                               if line and not re.match(r"\[[\d-]+ [\d:]+ [+-]\d{4}\] \[\d+\] ", line)]


@pytest.mark.parametrize("command", START_COMMANDS)
def test_start_with_a_bad_regimen_file_prints_only_the_clean_lines(tmp_path, command):
    path, prefix = broken_regimens(tmp_path)
    status, lines = start_refused(command, {"PEDIDOSE_REGIMENS": str(path)})
    assert status != 0
    assert len(lines) == 1 and lines[0].startswith(prefix), lines
    assert "mg / d" in lines[0]


@pytest.mark.parametrize("command", START_COMMANDS)
def test_start_with_an_unknown_time_zone_prints_only_the_clean_line(command):
    status, lines = start_refused(command, {"PEDIDOSE_TIMEZONE": "Mars/Olympus_Mons"})
    assert status != 0
    assert lines == ["PEDIDOSE_TIMEZONE: 'Mars/Olympus_Mons' is not an IANA time zone name "
                     "such as Europe/Istanbul"]
