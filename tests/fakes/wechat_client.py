"""WeChat's servers as a 公众号 webhook sees them: signed (and in safe mode encrypted) XML posts.

Written from WeChat's published message format, independently of bot/channels/wechat*.py, so that a
test using it checks the channel against the format rather than against itself:
- plaintext mode: `signature` = sha1 of the sorted token, timestamp and nonce, concatenated;
- safe mode (`encrypt_type=aes`): the XML is AES-256-CBC encrypted with key = base64(EncodingAESKey + "="),
  IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext = 16 random bytes + the
  XML's length (4 bytes, big-endian) + XML + AppID; `msg_signature` = sha1 of the sorted token,
  timestamp, nonce and the Base64 ciphertext.
"""

import base64
import hashlib
import os
import secrets
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _aes(aes_key: str):  # noqa: ANN202
    key = base64.b64decode(aes_key + "=")
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def encrypt(aes_key: str, app_id: str, xml: str) -> str:
    body = xml.encode()
    plain = os.urandom(16) + struct.pack(">I", len(body)) + body + app_id.encode()
    pad = 32 - len(plain) % 32
    enc = _aes(aes_key).encryptor()
    return base64.b64encode(enc.update(plain + bytes([pad]) * pad) + enc.finalize()).decode()


def decrypt(aes_key: str, b64: str) -> tuple[str, str]:
    """(xml, app_id) of a safe-mode ciphertext."""
    dec = _aes(aes_key).decryptor()
    plain = dec.update(base64.b64decode(b64)) + dec.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20:20 + length].decode(), plain[20 + length:].decode()


def text_xml(openid: str, to: str, content: str, msg_id: int, created: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(openid: str, to: str, event: str, key: str = "", created: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{escape(key)}]]></EventKey></xml>")


@dataclass
class Reply:
    status: int
    body: str
    seconds: float
    fields: dict[str, str] = field(default_factory=dict)  # the passive reply's XML fields (decrypted in safe mode)

    @property
    def text(self) -> str:
        """The passive reply's text; "" for `success` or an empty answer."""
        return self.fields.get("Content", "")


@dataclass
class WeChatSender:
    """Posts messages to a webhook the way WeChat does. `safe` chooses safe mode (needs aes_key)."""

    url: str
    token: str
    app_id: str = ""
    aes_key: str = ""
    safe: bool = False
    account: str = "gh_jiuzhu_test"
    _msg_id: int = field(default_factory=lambda: 24_000_000_000_000_000 + secrets.randbelow(10**12))

    def next_msg_id(self) -> int:
        self._msg_id += 1
        return self._msg_id

    def query(self, xml_body: str | None = None, *, timestamp: int | None = None, nonce: str | None = None,
              forge: bool = False) -> tuple[dict[str, str], bytes]:
        ts, nonce = str(timestamp if timestamp is not None else int(time.time())), nonce or secrets.token_hex(5)
        params = {"timestamp": ts, "nonce": nonce, "signature": sha1_sorted(self.token, ts, nonce)}
        body = (xml_body or "").encode()
        if self.safe and xml_body is not None:
            cipher = encrypt(self.aes_key, self.app_id, xml_body)
            to = ET.fromstring(xml_body).findtext("ToUserName") or self.account
            body = f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><Encrypt><![CDATA[{cipher}]]></Encrypt></xml>".encode()
            params.update(encrypt_type="aes", msg_signature=sha1_sorted(self.token, ts, nonce, cipher))
            params["openid"] = ET.fromstring(xml_body).findtext("FromUserName") or ""
        if forge:
            key = "msg_signature" if self.safe else "signature"
            params[key] = params[key][::-1]
        return params, body

    def post_xml(self, xml_body: str, **kw) -> Reply:  # noqa: ANN003
        params, body = self.query(xml_body, **kw)
        return self.post_raw(params, body)

    def post_raw(self, params: dict[str, str], body: bytes, timeout: float = 30) -> Reply:
        request = urllib.request.Request(f"{self.url}?{urllib.parse.urlencode(params)}", data=body, method="POST",
                                         headers={"Content-Type": "text/xml"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        reply = Reply(status, text, time.monotonic() - started)
        if status == 200 and text.strip().startswith("<xml"):
            root = ET.fromstring(text)
            if root.findtext("Encrypt"):
                cipher = root.findtext("Encrypt") or ""
                expected = sha1_sorted(self.token, root.findtext("TimeStamp") or "", root.findtext("Nonce") or "", cipher)
                if root.findtext("MsgSignature") != expected:
                    raise AssertionError("the encrypted reply's MsgSignature is wrong")
                xml, app_id = decrypt(self.aes_key, cipher)
                if app_id != self.app_id:
                    raise AssertionError(f"the encrypted reply names another AppID: {app_id!r}")
                root = ET.fromstring(xml)
            reply.fields = {child.tag: child.text or "" for child in root}
        return reply

    def say(self, openid: str, content: str, msg_id: int | None = None) -> Reply:
        return self.post_xml(text_xml(openid, self.account, content, msg_id or self.next_msg_id()))

    def event(self, openid: str, event: str, key: str = "") -> Reply:
        return self.post_xml(event_xml(openid, self.account, event, key))
