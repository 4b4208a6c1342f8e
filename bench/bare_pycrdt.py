"""Anchor (b): stock pycrdt-websocket under uvicorn, with nothing of ours around it.

`WebsocketServer` with its stock options (rooms deleted when their last client leaves, as
in the Node reference) plus `exception_logger` (without it, one failing room can take the
whole server down), wrapped by `ASGIServer`. The room name is the request path, so
`ws://127.0.0.1:P/ws/documents/<room>` works like on our server. Two small additions that
do not touch the sync path: the ASGI lifespan starts and stops the `WebsocketServer`
(`ASGIServer` acknowledges the lifespan but never starts it), and a plain HTTP request gets
`200 okay` as a readiness probe (as on the Node reference server).

Run: `python -m bench.bare_pycrdt --port 8765 [--no-deflate]`. uvicorn defaults otherwise
(permessage-deflate negotiated unless --no-deflate, uvloop and httptools when installed).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from pycrdt.websocket import ASGIServer, WebsocketServer, exception_logger

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app() -> App:
    websocket_server = WebsocketServer(exception_handler=exception_logger)
    websocket_app = ASGIServer(websocket_server)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(websocket_server, receive, send)
        elif scope["type"] == "http":
            await _okay(send)
        else:
            await websocket_app(scope, receive, send)  # type: ignore[arg-type]

    return app


async def _lifespan(websocket_server: WebsocketServer, receive: Receive, send: Send) -> None:
    message = await receive()
    if message["type"] != "lifespan.startup":
        return
    async with websocket_server:
        await send({"type": "lifespan.startup.complete"})
        while (await receive())["type"] != "lifespan.shutdown":
            pass
    await send({"type": "lifespan.shutdown.complete"})


async def _okay(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"okay"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-deflate", action="store_true", help="no permessage-deflate")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    print(f"bare pycrdt-websocket on 127.0.0.1:{args.port}", flush=True)
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=args.port,
        ws_per_message_deflate=not args.no_deflate,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
