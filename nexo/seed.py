"""The project's seed command, as Prisma's ``db seed`` runs it (``nexo db:seed``, and the last step of
``db:reset``).

Where the command comes from, first found wins:

* ``seed = "..."`` in ``[tool.nexo]`` of pyproject.toml: nexo's own setting, run **through the shell**
  (``/bin/sh -c``; ``cmd.exe`` on Windows), so quotes, ``$VARS`` and ``&&`` work. Extra arguments
  (``nexo db:seed -- --count 10``) are quoted for the shell, so each one arrives as given.
* ``"prisma": {"seed": "..."}`` in the project's ``package.json``: a Prisma 6 project's own setting,
  run exactly as Prisma 6.19 runs it (execa's ``execaCommand``): no shell, the text split on spaces
  (a backslash before a space keeps it in the word), extra arguments joined with spaces and split
  the same way; ``node_modules/.bin`` of the project comes first on ``PATH``, as under ``npx``.
* ``migrations.seed`` of the project's ``prisma.config.ts`` (a Prisma 7 project's setting, its literal
  value read without Node): run the same way as package.json's.

Either way the command runs in the project root, with the process environment, the variables of the
project's ``.env`` files that the environment does not set (Prisma loads them into its own
environment), and ``DATABASE_URL`` set to the database the nexo command targeted (the ``--database-url``
flag, ``DATABASE_URL``, or the embedded server). Its output goes straight through, not captured.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from nexo.config import Config, env_files, env_value, read_dotenv
from nexo.db.urls import mask_text
from nexo.errors import ConfigError, SeedFailed

#: Prisma's environment switch that skips the seed of ``migrate reset`` (and ``migrate dev``)
SKIP_SEED_ENV = "PRISMA_MIGRATE_SKIP_SEED"
_SEEDLING = "" if sys.platform == "win32" else "\U0001f331  "  # Prisma leaves the emoji out on Windows


@dataclass(frozen=True)
class SeedCommand:
    """The configured seed command and where it was found."""

    command: str
    #: the file that sets it (pyproject.toml or package.json)
    file: Path
    #: True: nexo's setting, run through the shell; False: package.json's, run the way Prisma does (no shell)
    shell: bool

    @property
    def origin(self) -> str:
        if self.shell:
            return "[tool.nexo] seed in pyproject.toml"
        return (
            '"prisma": {"seed"} in package.json'
            if self.file.name == "package.json"
            else f"migrations.seed in {self.file.name}"
        )

    def command_line(self, args: Sequence[str] = ()) -> str:
        """The command with the extra arguments, as it is run (and shown)."""
        if not args:
            return self.command
        if not self.shell:  # Prisma: `${command} ${args.join(" ")}`
            return f"{self.command} {' '.join(args)}"
        quoted = subprocess.list2cmdline(list(args)) if os.name == "nt" else shlex.join(args)
        return f"{self.command} {quoted}"

    def argv(self, args: Sequence[str] = ()) -> str | list[str]:
        """What :class:`subprocess.Popen` gets: the shell's command line, or the words Prisma would split."""
        line = self.command_line(args)
        return line if self.shell else prisma_split(line)


def prisma_split(line: str) -> list[str]:
    """The words of a command as execa's ``execaCommand`` (Prisma's seed runner) splits it: on runs of
    spaces only; a word ending in a backslash joins the next one with a space. No quotes, no variables."""
    words: list[str] = []
    for word in line.strip().split(" "):
        if not word:
            continue
        if words and words[-1].endswith("\\"):
            words[-1] = f"{words[-1][:-1]} {word}"
        else:
            words.append(word)
    return words


def find_seed(config: Config) -> SeedCommand | None:
    """The project's seed command: ``[tool.nexo] seed`` (already checked by :func:`nexo.config.load_config`),
    else ``prisma.seed`` of the project's package.json; ``None`` when neither sets one. A package.json that
    is not JSON, or whose ``prisma.seed`` is not a non-empty string, is a :class:`ConfigError`."""
    if config.seed is not None:
        return SeedCommand(config.seed, config.root / "pyproject.toml", shell=True)
    from nexo.layout import find_prisma_config, read_prisma_config

    pconf = config.layout.prisma_config if config.layout is not None else None
    if pconf is None and (found := find_prisma_config(config.root)) is not None:
        pconf = read_prisma_config(found)
    if pconf is not None and ("migrations.seed" in pconf.unreadable or pconf.seed is not None):
        seed_text = pconf.require("migrations.seed")
        if seed_text is not None and seed_text.strip():
            return SeedCommand(seed_text, pconf.file, shell=False)
    path = config.root / "package.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(
            f"package.json could not be read as JSON (looking for a Prisma seed command): {exc}", file=path
        ) from exc
    prisma = data.get("prisma") if isinstance(data, dict) else None
    if not isinstance(prisma, dict) or "seed" not in prisma:
        return None
    seed = prisma["seed"]
    if not isinstance(seed, str):  # Prisma's texts
        raise ConfigError(f"Provided seed command `{seed}` from `package.json` must be of type string", file=path)
    if not seed.strip():
        raise ConfigError(f"Provided seed command `{seed}` from `package.json` cannot be empty", file=path)
    return SeedCommand(seed, path, shell=False)


def seed_wanted(config: Config, skip_seed: bool) -> bool:
    """False with ``--skip-seed`` or Prisma's ``PRISMA_MIGRATE_SKIP_SEED`` (environment or .env)."""
    return not skip_seed and not env_value(SKIP_SEED_ENV, config.root, schema=config.schema)


@dataclass
class SeedResult:
    """One run of the seed command."""

    command: str
    #: where the command was configured (:attr:`SeedCommand.origin`)
    origin: str
    file: str
    #: the exit code; negative: killed by that signal; ``None``: the program could not be started
    returncode: int | None
    seconds: float
    #: why the program could not be started (``returncode`` is ``None``)
    reason: str | None = None
    #: what the command that ran the seed had done before (``db:reset``), said when the seed fails;
    #: ``None`` for ``db:seed``
    after: str | None = None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failure(self) -> str:
        """Prisma's (execa's) one-line account of what went wrong."""
        cmd = mask_text(self.command)
        if self.returncode is None:
            return f"Command failed: {cmd}\n{self.reason}"
        if self.returncode < 0:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = f"signal {-self.returncode}"
            return f"Command was killed with {name}: {cmd}"
        return f"Command failed with exit code {self.returncode}: {cmd}"

    def error(self) -> SeedFailed | None:
        """The error to report when the command failed, with what was done before it; ``None`` when it ran fine."""
        if self.ok:
            return None
        text = (
            f"An error occurred while running the seed command:\n{self.failure()}\n\n(seed command from {self.origin})"
        )
        if self.after:
            text += (
                f"\n\n{self.after} before the seed command failed; that work is kept. Fix the seed, then run "
                "nexo db:seed (the database work need not be redone)."
            )
        return SeedFailed(text, file=self.file)

    def to_dict(self) -> dict[str, object]:
        return {
            "command": mask_text(self.command),
            "origin": self.origin,
            "ok": self.ok,
            "exit_code": self.returncode,
            "error": None if self.ok else self.failure(),
            "seconds": round(self.seconds, 3),
        }


def _fd(stream: IO[str]) -> int | None:
    """The file descriptor behind ``stream``, or ``None`` for an in-memory stream (tests, CliRunner)."""
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _pump(source: IO[bytes], sink: IO[str]) -> threading.Thread:
    """Copy a child's pipe to a stream without a file descriptor, line by line as it comes."""

    def copy() -> None:
        for raw in iter(source.readline, b""):
            sink.write(raw.decode("utf-8", errors="replace"))
            sink.flush()
        source.close()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


def _write(stream: IO[str], text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a console that cannot show the emoji
        stream.write(text.replace(_SEEDLING, ""))
    stream.flush()


def seed_environment(config: Config, database_url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The seed command's environment: ``environ`` (default: the process's), the project's ``.env``
    variables it lacks (the same files and order as :func:`nexo.config.env_value`), ``DATABASE_URL``."""
    env = dict(os.environ if environ is None else environ)
    for path in env_files(config.root, config.schema):
        for name, value in read_dotenv(path).items():
            env.setdefault(name, value)
    env["DATABASE_URL"] = database_url
    return env


def run_seed(
    config: Config,
    seed: SeedCommand,
    database_url: str,
    *,
    args: Sequence[str] = (),
    output: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
    after: str | None = None,
) -> SeedResult:
    """Run ``seed`` against ``database_url``, its output going straight to ``output`` (default: stdout;
    the child's stderr goes to stderr). Writes Prisma's ``Running seed command `...` ...`` line before and,
    when the command succeeded, ``🌱  The seed command has been executed.`` after. Never raises for a
    failed command: the result says how it ended (see :meth:`SeedResult.error`)."""
    out = sys.stdout if output is None else output
    line = seed.command_line(args)
    _write(out, f"{'' if after is None else chr(10)}Running seed command `{mask_text(line)}` ...\n")
    env = seed_environment(config, database_url, environ)
    if not seed.shell:
        local_bin = config.root / "node_modules" / ".bin"
        if local_bin.is_dir():
            env["PATH"] = os.pathsep.join(p for p in (str(local_bin), env.get("PATH", "")) if p)
    sys.stderr.flush()
    out_fd, err_fd = _fd(out), _fd(sys.stderr)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            seed.argv(args),
            shell=seed.shell,
            cwd=config.root,
            env=env,
            stdout=out_fd if out_fd is not None else subprocess.PIPE,
            stderr=err_fd if err_fd is not None else subprocess.PIPE,
        )
    except OSError as exc:  # no such program (no shell in between to say so)
        argv = seed.argv(args)
        program = argv[0] if isinstance(argv, list) else "the shell"
        reason = f"{program}: {exc.strerror or exc}"
        return SeedResult(line, seed.origin, str(seed.file), None, time.monotonic() - started, reason, after)
    pumps = []
    if proc.stdout is not None:
        pumps.append(_pump(proc.stdout, out))
    if proc.stderr is not None:
        pumps.append(_pump(proc.stderr, sys.stderr))
    try:
        returncode = proc.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the seed command too: report how it ended
        returncode = proc.wait()
    for pump in pumps:
        pump.join()
    result = SeedResult(line, seed.origin, str(seed.file), returncode, time.monotonic() - started, None, after)
    if result.ok:
        _write(out, f"\n{_SEEDLING}The seed command has been executed.\n")
    return result
