"""The production server, started exactly as README.md's "In production"
command starts it (from the repository root, so gunicorn reads
gunicorn.conf.py), on a free loopback port: headers on every answer it can
give, normal requests served while slow clients are held, and a clean refusal
to start with a faulty file. Every wait is bounded; the file takes about 20 s.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import REGIMENS, ROOT

from app.dosing import RegimenFileError, load_regimens

BOOT_SECONDS = 60


def production_command(port: int) -> list[str]:
    """README's production command with its port replaced; `gunicorn` is run
    as `python -m gunicorn` so that it is this interpreter's gunicorn."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In production", 1)[1].split("\n## ", 1)[0]
    line = next(line.strip() for line in section.splitlines() if line.startswith("    gunicorn"))
    argv = shlex.split(line)
    bind = argv.index("--bind")
    argv[bind + 1] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *argv]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(port, log path) of the running production server."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.txt"
    with log.open("wb") as err:
        process = subprocess.Popen(production_command(port), cwd=ROOT, stdout=err, stderr=err)
    try:
        deadline = time.monotonic() + BOOT_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield port, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def exchange(port: int, raw: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send `raw`, read the answer up to the server's close: status, headers
    (names lower-cased), body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip()
               for name, value in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


def request(method: str, target: str, headers: tuple[str, ...] = (), body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def api(body: dict, content_type: str = "application/json") -> bytes:
    return request("POST", "/api/v1/plan", (f"Content-Type: {content_type}",),
                   json.dumps(body).encode())


CASE = {"weight": {"value": 14, "unit": "kg"}, "height": {"value": 96, "unit": "cm"},
        "age": {"years": 3, "months": 6}, "sex": "female", "regimens": ["ivig"]}
SHEET = ("/sheet?weight=14&weight_unit=kg&height=96&height_unit=cm&start=2027-01-01"
         "&bsa_formula=mosteller&regimen=prednisolone")

# Every kind of answer the running server gives: the app's own, and the
# server's own for what never reaches the app (a request line or a header
# past 8,190 bytes, more than 100 headers, an unparseable request, a transfer
# coding it does not implement).
ANSWERS = {
    "page": (request("GET", "/"), {200}),
    "sheet": (request("GET", SHEET), {200}),
    "api plan": (api(CASE), {200}),
    "api not JSON": (request("POST", "/api/v1/plan", ("Content-Type: application/json",), b"{"),
                     {400}),
    "api implausible": (api({**CASE, "weight": {"value": 70, "unit": "kg"}}), {422}),
    "sheet bad weight": (request("GET", SHEET.replace("weight=14", "weight=14,5")), {422}),
    "unknown route": (request("GET", "/nowhere"), {404}),
    "wrong method": (request("DELETE", "/"), {405}),
    "api wrong method": (request("GET", "/api/v1/plan"), {405}),
    # The app refuses the body by its length without reading it; the answer
    # must still reach the client, not be lost to a reset.
    "body over 16 KiB": (request("POST", "/api/v1/plan", ("Content-Type: application/json",),
                                 b"{" + b" " * 20_000 + b"}"), {413}),
    "api body not declared JSON": (api(CASE, "text/plain"), {415}),
    "api description": (request("GET", "/api/v1/openapi.json"), {200}),
    "options": (request("OPTIONS", "/api/v1/plan"), {204}),
    "query over 4,096 bytes (the app's limit)": (request("GET", "/sheet?weight=" + "1" * 6000),
                                                  {414}),
    "request line over 8,190 bytes": (request("GET", "/sheet?weight=" + "1" * 9000), {414}),
    "header over 8,190 bytes": (request("GET", "/", ("X-Long: " + "a" * 9000,)), {431}),
    "101 headers": (request("GET", "/", tuple(f"X-H{i}: a" for i in range(101))), {431}),
    "unparseable request line": (b"NOT AN HTTP REQUEST\r\n\r\n", {400}),
    "header without a colon": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n", {400}),
    "unknown transfer coding": (request("POST", "/api/v1/plan", ("Transfer-Encoding: x, chunked",)),
                                {501}),
}


@pytest.mark.parametrize("name", ANSWERS)
def test_every_answer_of_the_production_server_has_the_headers(server, name):
    port, _ = server
    raw, statuses = ANSWERS[name]
    status, headers, body = exchange(port, raw)
    assert status in statuses
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert "set-cookie" not in headers
    if status == 204:
        assert body == b"" and "content-type" not in headers
    else:
        assert re.fullmatch(r"(text/html|application/json); charset=utf-8", headers["content-type"],
                            re.I), headers["content-type"]
    assert b"<script" not in body


def test_normal_requests_are_served_while_50_slow_clients_are_held(server):
    """50 connections each send a header line every half second for 8 s and
    never finish; meanwhile every normal request is answered within 2 s."""
    port, _ = server
    slow = []
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(s)
    stop = threading.Event()
    dripped = {"lines": 0, "refused": 0}

    def drip() -> None:
        line = 0
        while not stop.wait(0.5):
            for s in slow:
                try:
                    s.sendall(b"X-Slow-%d: a\r\n" % line)
                    dripped["lines"] += 1
                except OSError:
                    dripped["refused"] += 1
            line += 1

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    answered = []
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            status, _, body = exchange(port, request("GET", SHEET), timeout=2)
            answered.append((status, time.monotonic() - t0))
            assert status == 200 and b"Prednisolone" in body
            time.sleep(0.1)
    finally:
        stop.set()
        dripper.join(timeout=5)
        for s in slow:
            s.close()
    assert len(answered) >= 10
    assert max(seconds for _, seconds in answered) < 2
    assert dripped["refused"] == 0 and dripped["lines"] >= 50 * 10


def broken_regimens(tmp_path):
    """regimens.toml with prednisolone's cap in mg (the dose is per day): the
    refusal names file, line and field; the line is found by hand."""
    text = REGIMENS.read_text(encoding="utf-8")
    at = text.index('cap = { value = 60, unit = "mg/day"', text.index("[regimens.prednisolone]\n"))
    path = tmp_path / "regimens.toml"
    path.write_text(text[:at] + text[at:].replace('"mg/day"', '"mg"', 1), encoding="utf-8")
    line = 1 + text[:at].count("\n")
    return path, f"{path}:{line}: regimens.prednisolone.cap.unit: "


START_COMMANDS = {
    "flask run": lambda port: [sys.executable, "-m", "flask", "--app", "app", "run",
                               "--port", str(port)],
    "production server": production_command,
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
    with pytest.raises(RegimenFileError) as refused:
        load_regimens(path)
    assert lines == [str(problem) for problem in refused.value.problems]
    assert lines and all(line.startswith(prefix) and "mg / d" in line for line in lines), lines


@pytest.mark.parametrize("command", START_COMMANDS)
def test_start_with_an_unknown_time_zone_prints_only_the_clean_line(command):
    status, lines = start_refused(command, {"PEDIDOSE_TIMEZONE": "Mars/Olympus_Mons"})
    assert status != 0
    assert lines == ["PEDIDOSE_TIMEZONE: 'Mars/Olympus_Mons' is not an IANA time zone name "
                     "such as Europe/Istanbul"]
