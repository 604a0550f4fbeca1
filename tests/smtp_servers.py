"""Real SMTP servers for the notification tests, started by the tests on free ports.

- `Inbox`: aiosmtpd's server, keeping every message it accepts (or refusing at DATA with a
  temporary failure, when told to).
- `closed_port()`: a port nothing listens on: connections are refused.
- `Silent`: a server that accepts connections and never says a word: the client times out.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, mimetype: str) -> str:
        found = self.message.get_body(preferencelist=(mimetype.split("/")[1],))
        assert found is not None, f"no {mimetype} part"
        return str(found.get_content())


@dataclass
class Handler:
    messages: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Mail server temporarily unavailable"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def closed_port() -> int:
    """A port that was free a moment ago: connecting to it is refused."""
    return free_port()


class Inbox:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> Inbox:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def clear(self) -> None:
        self.handler.messages.clear()


class Silent:
    """Accepts connections and holds them without a greeting, until stopped."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = int(self.socket.getsockname()[1])
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self.socket.settimeout(0.1)
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> Silent:
        self.thread.start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(connection)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        for connection in self.held:
            connection.close()
        self.socket.close()
