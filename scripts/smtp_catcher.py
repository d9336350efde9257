"""Local catching SMTP server: every message becomes one `.eml` file in a folder."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class MailDirHandler:
    """aiosmtpd handler that stores each accepted message atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex}.eml"
        tmp = self.folder / f".{name}.tmp"
        content = envelope.original_content or envelope.content
        tmp.write_bytes(content if isinstance(content, bytes) else content.encode())
        os.replace(tmp, self.folder / name)
        return "250 Message accepted for delivery"


def serve(folder: Path, host: str, port: int) -> None:
    controller = Controller(MailDirHandler(folder), hostname=host, port=port)
    controller.start()
    print(f"smtp catcher on {host}:{port} -> {folder}", flush=True)
    try:
        asyncio.run(_forever())
    finally:
        controller.stop()


async def _forever() -> None:
    while True:
        await asyncio.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=".data/mail")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args()
    serve(Path(args.dir), args.host, args.port)


if __name__ == "__main__":
    main()
