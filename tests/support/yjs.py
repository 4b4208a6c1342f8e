"""Real Yjs clients: the official y-websocket provider under Node, driven over JSON lines.

See tests/node/README.md for the command protocol.
"""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


class YjsClients:
    """One `node yclient.mjs` process holding any number of named Yjs clients."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(NODE_DIR / "yclient.mjs")],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._ids = itertools.count(1)
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._ready: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._ready.get(timeout=20)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            if answer.get("id") is None:
                if answer.get("ready"):
                    self._ready.put(answer)
                continue
            with self._lock:
                box = self._answers.get(answer["id"])
            if box is not None:
                box.put(answer)

    def call(self, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (raises on an error answer)."""
        answer = self.try_call(cmd, timeout=timeout, **args)
        if "error" in answer:
            raise AssertionError(f"{cmd} failed: {answer}")
        return answer

    def try_call(self, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
        command_id = next(self._ids)
        box: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._answers[command_id] = box
        assert self.process.stdin is not None
        if "timeout" not in args and cmd in {
            "connect",
            "reconnect",
            "wait_text",
            "wait_equal",
            "wait_synced",
        }:
            args["timeout"] = int(timeout * 1000)
        self.process.stdin.write(json.dumps({"id": command_id, "cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        try:
            return box.get(timeout=timeout + 5)
        finally:
            with self._lock:
                self._answers.pop(command_id, None)

    def call_many(
        self, commands: list[tuple[str, dict[str, Any]]], timeout: float = 60.0
    ) -> list[dict[str, Any]]:
        """Send several commands at once (they run concurrently); return their answers."""
        boxes = []
        assert self.process.stdin is not None
        for cmd, args in commands:
            command_id = next(self._ids)
            box: queue.Queue[dict[str, Any]] = queue.Queue()
            with self._lock:
                self._answers[command_id] = box
            boxes.append(box)
            self.process.stdin.write(json.dumps({"id": command_id, "cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        return [box.get(timeout=timeout) for box in boxes]

    def connect(
        self, name: str, url: str, document_id: int, headers: dict[str, str], **kw: Any
    ) -> dict[str, Any]:
        return self.try_call(
            "connect", name=name, url=url, room=str(document_id), headers=headers, **kw
        )

    def text(self, name: str) -> str:
        return str(self.call("text", name=name)["text"])

    def close(self) -> None:
        try:
            if self.process.stdin:
                self.process.stdin.write(json.dumps({"id": 0, "cmd": "quit"}) + "\n")
                self.process.stdin.flush()
            self.process.wait(5)
        except Exception:
            self.process.kill()
            self.process.wait(5)
