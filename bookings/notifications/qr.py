"""The check-in QR code: it carries the booking code, which the host's scanner looks up."""

import segno


def booking_qr_svg(code: str) -> str:
    return segno.make_qr(code, error="m").svg_inline(scale=6, dark="#3b2416")


def booking_qr_png(code: str) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
