"""``python -m pipeline.replicas.link_zoo``: serve the zoo in its own process until SIGTERM/SIGINT.

A benchmark serves the zoo apart from the checker it measures, so that the two do not share
one interpreter lock. The first line on stdout is JSON with the three addresses; with
``--links FILE`` the links are written first, one JSON object a line (url, expected_class,
case). Switch states with ``POST /__replica__/state`` (body ``2``) on both origins::

    python -m pipeline.replicas.link_zoo --count 10000 --slow-seconds 7 --links zoo.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from pipeline.replicas.link_zoo import DEFAULT_SLOW_SECONDS, LinkZoo


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.replicas.link_zoo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--slow-seconds", type=float, default=DEFAULT_SLOW_SECONDS)
    parser.add_argument(
        "--count", type=int, default=None, help="links in the mix (default: one per case)"
    )
    parser.add_argument("--links", type=Path, default=None, help="write the links to FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with LinkZoo(slow_seconds=args.slow_seconds) as zoo:
        if args.links is not None:
            lines = (json.dumps(dataclasses.asdict(link)) + "\n" for link in zoo.links(args.count))
            args.links.write_text("".join(lines), encoding="utf-8")
        addresses = {
            "main_url": zoo.main_url,
            "catchall_url": zoo.catchall_url,
            "refused_url": zoo.refused_url,
        }
        print(json.dumps(addresses), flush=True)
        while not stopping.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
