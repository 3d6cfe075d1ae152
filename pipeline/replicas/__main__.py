"""``python -m pipeline.replicas serve <site>``: serve a replica until SIGTERM or SIGINT.

The first line on stdout is the base URL (flushed at once), so a test can start the server as a
subprocess, read one line and crawl, as Scrapy's own mockserver does::

    python -m pipeline.replicas serve mercociudades_covid --port 0 --size 60 --seed 1
    python -m pipeline.replicas serve mercociudades_covid --quirk no-embed --quirk block-theme
    python -m pipeline.replicas serve cities_for_global_health --size 1000 --state 3
    python -m pipeline.replicas list     # every site with its options and quirks, the states
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from pipeline.replicas.catalogue import catalogue_text
from pipeline.replicas.server import DEFAULT_HOST, SITES, ReplicaServer, SiteOptions
from pipeline.replicas.states import STATES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.replicas",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "list",
        help="list the replica sites with their options and quirks, the states, and the "
        "practices shared across platforms",
        epilog="example: python -m pipeline.replicas list",
    )
    serve = commands.add_parser(
        "serve",
        help="serve a replica site",
        epilog="example: python -m pipeline.replicas serve mercociudades_covid --size 5000",
    )
    serve.add_argument("site", choices=sorted(SITES))
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=0, help="0 (default): any free port")
    serve.add_argument("--size", type=int, default=None, help="number of records (site default)")
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument(
        "--state",
        type=int,
        default=1,
        choices=sorted(STATES),
        # argparse formats help with %: the churn's "1%" must be escaped
        help="; ".join(f"{n} = {text}" for n, text in STATES.items()).replace("%", "%%"),
    )
    serve.add_argument(
        "--no-rest-api",
        dest="rest_api",
        action="store_false",
        help="answer 401 on /wp-json/ as the 'Disable REST API' plugins do",
    )
    serve.add_argument(
        "--quirk",
        dest="quirks",
        action="append",
        default=[],
        metavar="NAME",
        help="serve the site with this variation (repeatable); `list` names each site's quirks",
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def serve(args: argparse.Namespace) -> None:
    options = SiteOptions(
        seed=args.seed, size=args.size, rest_api=args.rest_api, quirks=frozenset(args.quirks)
    )
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        site = SITES[args.site](options)
    except ValueError as error:  # e.g. a quirk this site does not have
        print(f"python -m pipeline.replicas: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    with ReplicaServer(site, args.host, args.port, verbose=args.verbose) as server:
        server.set_state(args.state)
        print(server.base_url, flush=True)
        while not stopping.wait(0.5):
            pass


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        print(catalogue_text())
        return 0
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
