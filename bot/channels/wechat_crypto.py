"""WeChat's message security for a 公众号 server: signatures, safe-mode (AES) envelopes, and XML read safely.

- Signature: SHA-1 of the sorted concatenation of the token with the request's strings (timestamp and nonce;
  in safe mode also the `Encrypt` text), hex; always compared in constant time.
- Safe mode: AES-256-CBC, key = base64 of EncodingAESKey + "=", IV = the key's first 16 bytes, PKCS#7 padding to
  32-byte blocks; the plaintext is 16 random bytes, the XML's length (4 bytes, big-endian), the XML, the AppID.
- XML: WeChat's messages are flat UTF-8; anything else is refused (a UTF-16/32 document is not UTF-8, or holds
  NUL bytes when it has no BOM). The text is checked for a DOCTYPE or an ENTITY and then parsed as that same text,
  so the parser cannot read the bytes in another encoding than the check did (no entity expansion, no external
  references).
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct
from typing import Dict, Optional
from xml.etree import ElementTree

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32
UNSAFE_XML = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class WeChatSecurityError(ValueError):
    """The request is not WeChat's, or not for this account."""


def signature(token: str, *parts: str) -> str:
    return hashlib.sha1("".join(sorted([token, *parts])).encode()).hexdigest()


def signature_ok(given: Optional[str], token: str, *parts: str) -> bool:
    if not (given and token):
        return False
    return hmac.compare_digest(given.lower().encode(), signature(token, *parts).encode())


def xml_text(body: bytes) -> str:
    """The body as the text the parser will read: UTF-8 (WeChat sends nothing else), no NUL, no DOCTYPE/ENTITY."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WeChatSecurityError("XML that is not UTF-8") from exc
    if "\x00" in text:
        raise WeChatSecurityError("XML with NUL bytes (UTF-16 or UTF-32)")
    if UNSAFE_XML.search(text):
        raise WeChatSecurityError("XML with a DOCTYPE or ENTITY")
    return text[1:] if text.startswith("\ufeff") else text


def parse_xml(body: bytes) -> Dict[str, str]:
    """The message's fields (child tag → text). Refuses DOCTYPE/ENTITY and anything that is not UTF-8 XML."""
    text = xml_text(body)
    try:
        # Parsed as text: expat then reads UTF-8 whatever encoding the XML declaration names.
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise WeChatSecurityError("not XML") from exc
    return {child.tag: (child.text or "") for child in root}


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def to_xml(fields: Dict[str, object]) -> str:
    """A flat WeChat XML document; numbers bare, strings as CDATA."""
    inner = "".join(f"<{k}>{v if isinstance(v, int) else cdata(str(v))}</{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>"


class SafeMode:
    """The AES envelope of one account (EncodingAESKey and AppID)."""

    def __init__(self, aes_key: str, app_id: str):
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("WECHAT_AES_KEY must be the 43 characters of the EncodingAESKey") from exc
        if len(key) != 32 or not app_id:
            raise ValueError("WECHAT_AES_KEY must be the 43 characters of the EncodingAESKey, with WECHAT_APP_ID set")
        self._key = key
        self.app_id = app_id

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, xml: str, random16: Optional[bytes] = None) -> str:
        body = xml.encode()
        plain = (random16 or os.urandom(16)) + struct.pack(">I", len(body)) + body + self.app_id.encode()
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> bytes:
        """The XML inside an `Encrypt` text; WeChatSecurityError when it is not for this account."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeChatSecurityError("not base64") from exc
        if not data or len(data) % 16:
            raise WeChatSecurityError("not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad or len(plain) - pad < 20:
            raise WeChatSecurityError("bad padding")
        content = plain[16:-pad]
        (length,) = struct.unpack(">I", content[:4])
        xml, app_id = content[4:4 + length], content[4 + length:]
        if len(xml) != length or not hmac.compare_digest(app_id, self.app_id.encode()):
            raise WeChatSecurityError("for another account")
        return xml
