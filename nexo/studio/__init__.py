"""``nexo db:studio``: a local data browser for the project's database that respects tenants.

A small Starlette app (:mod:`nexo.studio.app`) over the client runtime (:mod:`nexo.studio.data`) and
the relational model (:mod:`nexo.studio.schema`), served by uvicorn on 127.0.0.1 with a random
session token in the URL. Starlette and uvicorn are the optional extra ``studio``.
"""

from __future__ import annotations

import importlib.util
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from nexo.config import Config
from nexo.errors import NexoError

INSTALL_HINT = "pip install 'nexo[studio]'"


class StudioNotInstalled(NexoError):
    """The optional extra is missing."""


class PortInUse(NexoError):
    """Another program listens on the port asked for."""


def check_port(port: int) -> None:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            raise PortInUse(
                f"Error: port {port} on 127.0.0.1 is not free ({exc.strerror}); choose another with --port"
            ) from None


@dataclass(frozen=True)
class StudioInfo:
    url: str
    port: int
    token: str
    database: str
    tenant: str | None
    read_only: bool


def require_extra() -> None:
    missing = [m for m in ("starlette", "uvicorn", "multipart") if importlib.util.find_spec(m) is None]
    if missing:
        raise StudioNotInstalled(
            f"Error: nexo db:studio needs {', '.join(missing)}, which are not installed.\n\n"
            f"Install the studio extra:  {INSTALL_HINT}"
        )


def serve(
    config: Config,
    *,
    port: int = 5555,
    tenant: str | None = None,
    read_only: bool = False,
    on_ready: Callable[[StudioInfo], None] | None = None,
) -> None:
    """Serve the studio until interrupted (Ctrl-C); ``on_ready`` gets the URL once it listens."""
    require_extra()
    import uvicorn

    from nexo.db import resolve_target
    from nexo.db.urls import mask_url

    from .app import create_app
    from .data import Studio
    from .schema import load

    check_port(port)
    schema = load(config)
    target = resolve_target(config)
    token = secrets.token_urlsafe(24)
    studio = Studio(schema, target.url, app_role=config.app_role, read_only=read_only, tenant=tenant)
    app = create_app(studio, token, port)
    info = StudioInfo(
        url=f"http://127.0.0.1:{port}/?token={token}" + (f"&tenant={tenant}" if tenant else ""),
        port=port,
        token=token,
        database=mask_url(target.url),
        tenant=tenant,
        read_only=read_only,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))

    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        if on_ready is not None and server.started:
            on_ready(info)

    server.startup = startup  # type: ignore[method-assign]
    server.run()
