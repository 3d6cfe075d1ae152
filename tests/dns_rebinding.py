"""Run `citywatch ARGS` in a world where one name rebinds: its first lookup answers a public
address, every later one 127.0.0.1 (DNS rebinding, as a zero-TTL record does it).

The lookup function every resolver in the process uses (``socket.getaddrinfo``: asyncio's, so
the private-network guard's, and Twisted's, so the connection's) is replaced before Twisted is
imported; every other name resolves as usual.

    python -m tests.dns_rebinding NAME PUBLIC_ADDRESS -- --config citywatch.toml check-links ...
"""

from __future__ import annotations

import socket
import sys
import threading
from typing import Any

_system_getaddrinfo = socket.getaddrinfo


def rebinding(name: str, first: str, then: str = "127.0.0.1") -> Any:
    answers = iter([first])
    lock = threading.Lock()

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in (name, name.encode()):
            with lock:
                host = next(answers, then)
        return _system_getaddrinfo(host, *args, **kwargs)

    return getaddrinfo


if __name__ == "__main__":
    name, public, separator, *citywatch_args = sys.argv[1:]
    assert separator == "--", "usage: NAME PUBLIC_ADDRESS -- CITYWATCH_ARGS..."
    socket.getaddrinfo = rebinding(name, public)

    from pipeline.cli import main

    main(citywatch_args)
