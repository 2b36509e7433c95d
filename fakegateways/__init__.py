"""Local fake Midtrans and Xendit servers speaking the documented protocols.

For tests and `make run`: nothing leaves the machine. Start both on one port with
`python -m fakegateways --port 8010 --notify-base http://127.0.0.1:8000`, or in a
test with `FakeGateways(port=0).start()`.
"""

from fakegateways.server import FakeGateways

__all__ = ["FakeGateways"]
