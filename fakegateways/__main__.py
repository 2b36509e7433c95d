"""`python -m fakegateways --port 8010 --notify-base http://127.0.0.1:8000`"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os

from fakegateways.server import (
    DEFAULT_MIDTRANS_SERVER_KEY,
    DEFAULT_XENDIT_CALLBACK_TOKEN,
    DEFAULT_XENDIT_SECRET_KEY,
    FakeGateways,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fakegateways", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback by default)")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--notify-base",
        default=os.environ.get("FAKEGATEWAYS_NOTIFY_BASE", ""),
        help="Canting's address; notifications go to its /api/v1/payments/... endpoints",
    )
    parser.add_argument("--public-url", default="", help="address the payment pages are reached at")
    # The same variables Canting reads, so one environment configures both sides.
    parser.add_argument(
        "--midtrans-server-key", default=os.environ.get("MIDTRANS_SERVER_KEY") or DEFAULT_MIDTRANS_SERVER_KEY
    )
    parser.add_argument(
        "--xendit-secret-key", default=os.environ.get("XENDIT_SECRET_KEY") or DEFAULT_XENDIT_SECRET_KEY
    )
    parser.add_argument(
        "--xendit-callback-token",
        default=os.environ.get("XENDIT_CALLBACK_TOKEN") or DEFAULT_XENDIT_CALLBACK_TOKEN,
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    gateways = FakeGateways(
        host=args.host,
        port=args.port,
        notify_base=args.notify_base,
        public_url=args.public_url,
        midtrans_server_key=args.midtrans_server_key,
        xendit_secret_key=args.xendit_secret_key,
        xendit_callback_token=args.xendit_callback_token,
    )
    logging.getLogger("fakegateways").info(
        "fake Midtrans at %s/midtrans, fake Xendit at %s/xendit; notifications to %s",
        gateways.url,
        gateways.url,
        args.notify_base or "(nowhere yet: --notify-base)",
    )
    with contextlib.suppress(KeyboardInterrupt):
        gateways.serve_forever()


if __name__ == "__main__":
    main()
