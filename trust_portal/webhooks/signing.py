"""Signing a delivery: HMAC-SHA256, hex, over ``"<timestamp>.<body>"`` with each of the
endpoint's signing secrets, sent as ``Trust-Portal-Signature: t=<timestamp>,v1=<hex>[,v1=...]``.

docs/api.md shows a receiver's check; the tests hold the same reference verifier.
"""

import hashlib
import hmac


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    signed = [f"v1={signature(secret=s, timestamp=timestamp, body=body)}" for s in secrets]
    return ",".join([f"t={timestamp}", *signed])
