"""A raw websocket echo server: the same uvicorn websocket stack as the gateway, with no app behind it.

    .venv/bin/python bench/echo_server.py PORT

The baseline of `ws_load.py`: its round trips are what the transport alone costs on this machine.
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"echo"})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": event.get("text"), "bytes": event.get("bytes")})


if __name__ == "__main__":
    uvicorn.run(echo, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")
