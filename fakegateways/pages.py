"""The pages a tourist sees on the fake gateways: amount, a choice of channel, Pay and Fail."""

from __future__ import annotations

from datetime import datetime
from html import escape

from fakegateways.server import WIB, rupiah

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
.card{border:1px solid #d0d7de;border-radius:.5rem;padding:1rem 1.25rem}
.amount{font-size:1.75rem;font-weight:700;margin:.25rem 0}
.note{background:#fff8c5;padding:.5rem .75rem;border-radius:.25rem;font-size:.9rem}
fieldset{border:0;padding:0;margin:1rem 0}
button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.4rem;
  border:1px solid #1f2328;cursor:pointer}
button.pay{background:#1a7f37;color:#fff;border-color:#1a7f37}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def payment_page(
    *,
    gateway: str,
    order_id: str,
    amount: int,
    status: str,
    open_: bool,
    expires_at: datetime,
    action: str,
    channels: list[tuple[str, str]],
) -> str:
    head = (
        f"<h1>{escape(gateway)} (fake)</h1>"
        '<p class="note">A local stand-in for the real gateway: no money moves.</p>'
        '<div class="card">'
        f'<p>Order <strong data-testid="order-id">{escape(order_id)}</strong></p>'
        f'<p class="amount" data-testid="amount">{escape(rupiah(amount))}</p>'
        f"<p>Pay before {escape(expires_at.astimezone(WIB).strftime('%d-%m-%Y %H:%M'))} WIB</p>"
    )
    if not open_:
        return _page(
            f"{gateway}: {order_id}",
            head + f'<p role="status">This payment is no longer open (status: {escape(status)}).</p></div>',
        )
    options = "".join(
        f'<label><input type="radio" name="channel" value="{escape(value)}"'
        f"{' checked' if index == 0 else ''}> {escape(label)}</label><br>"
        for index, (value, label) in enumerate(channels)
    )
    form = (
        f'<form method="post" action="{escape(action)}/pay">'
        f"<fieldset><legend>Pay with</legend>{options}</fieldset>"
        '<button type="submit" class="pay">Pay</button>'
        f'<button type="submit" formaction="{escape(action)}/fail">Fail</button>'
        "</form></div>"
    )
    return _page(f"{gateway}: pay {order_id}", head + form)


def finished(gateway: str, order_id: str, status: str) -> str:
    return _page(
        f"{gateway}: {order_id}",
        f'<h1>{escape(gateway)} (fake)</h1><p role="status">Order {escape(order_id)}: {escape(status)}.</p>',
    )


def not_found(gateway: str) -> str:
    return _page(f"{gateway}: not found", f"<h1>{escape(gateway)} (fake)</h1><p>No such payment.</p>")
