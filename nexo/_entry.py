"""The ``nexo`` console script: the command line when its extra is installed, else a one-line remedy.

A production image that installs only the client runtime (``pip install nexo``) has no Typer or Rich;
running ``nexo`` there says how to get the command instead of printing an import traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
    except ImportError as exc:
        sys.stderr.write(
            f"The nexo command needs the 'cli' extra ({exc.name} is not installed): pip install 'nexo[cli]' "
            "(or 'nexo[all]' for the embedded PostgreSQL too). The generated client and the Python API work "
            "without it.\n"
        )
        raise SystemExit(1) from None
    from nexo.cli import main as cli_main

    cli_main()
