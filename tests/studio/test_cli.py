"""``nexo db:studio`` as a user runs it: the real command in a child process, its ``--json`` line,
the served page (token required), and the message when the extra is missing."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import httpx

from nexo.db.urls import mask_url

from .conftest import Seeded


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_db_studio_serves_on_loopback_and_prints_its_url(seeded: Seeded):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nexo.cli",
            "db:studio",
            "--no-browser",
            "--json",
            "--port",
            str(port),
            "--project",
            str(seeded.project),
            "--database-url",
            seeded.url,
            "--read-only",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        while True:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
            if line.rstrip() == "}":
                break
        info = json.loads("".join(lines))
        assert info["port"] == port and info["read_only"] is True
        assert info["url"].startswith(f"http://127.0.0.1:{port}/?token=")
        assert info["database"] == mask_url(seeded.url)
        r = httpx.get(info["url"])
        assert r.status_code == 200 and "Read-only mode" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/?token=guess").status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


BLOCK = """
import importlib.abc, runpy, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in ('starlette', 'uvicorn'):
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Block())
import importlib.util
_find = importlib.util.find_spec
importlib.util.find_spec = lambda n, *a: None if n in ('starlette', 'uvicorn') else _find(n, *a)
sys.argv = ['nexo', 'db:studio', '--no-browser']
runpy.run_module('nexo.cli', run_name='__main__')
"""


def test_db_studio_without_the_extra_says_how_to_install_it(tmp_path):
    r = subprocess.run([sys.executable, "-c", BLOCK], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert "pip install 'nexo[studio]'" in r.stderr and "starlette" in r.stderr


def test_db_studio_on_a_busy_port_says_so(seeded: Seeded):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "nexo.cli",
                "db:studio",
                "--no-browser",
                "--port",
                str(port),
                "--project",
                str(seeded.project),
                "--database-url",
                seeded.url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 1
    assert f"port {port} on 127.0.0.1 is not free" in r.stderr and "--port" in r.stderr
