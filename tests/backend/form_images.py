"""Pictures for upload tests, drawn with Pillow: a photographed 授权委托书 (lines of text on a white page, a
signature line, a red seal) and what is not one (a blank page, a black frame, a lens cap, a thumbnail).

A form photo must be readable to be kept (backend.documents.quality), so every test that hands in a form
uses form_page(); `mark` (the seal's colour) makes pictures that are different files.
"""

import io

from PIL import Image, ImageChops, ImageDraw, ImageFont

PAGE = (1200, 1600)  # a phone photo of an A4 sheet, upright, scaled down


def form_page(size: tuple[int, int] = PAGE, *, mark: tuple[int, int, int] = (200, 30, 30), grain: int = 0) -> Image.Image:
    """A signed form as a phone sees it: a title, numbered lines of text, a signature line and a seal.
    `grain`: the camera's noise (standard deviation, 0–255) over the whole picture."""
    w, h = size
    page = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(page)
    title, body = ImageFont.load_default(size=max(8, w // 27)), ImageFont.load_default(size=max(6, w // 40))
    draw.text((w * 0.22, h * 0.06), "AUTHORIZATION  (WEITUO SHU)", fill=(20, 20, 20), font=title)
    for i in range(18):
        draw.text((w * 0.08, h * (0.14 + 0.036 * i)), f"{i + 1}. The principal authorises the helper named below, line {i + 1}.",
                  fill=(30, 30, 30), font=body)
    draw.line((w * 0.55, h * 0.86, w * 0.9, h * 0.86), fill=(10, 10, 60), width=max(1, w // 400))
    draw.text((w * 0.56, h * 0.81), "Zhou Mingfu", fill=(10, 10, 60), font=title)  # the signature
    draw.ellipse((w * 0.12, h * 0.78, w * 0.3, h * 0.78 + w * 0.18), outline=mark, width=max(1, w // 150))
    if grain:
        noise = Image.effect_noise(size, grain).convert("RGB")  # centred on 128
        page = ImageChops.add(page, noise, scale=1.0, offset=-128)
    return page


def flat(color: tuple[int, int, int] | int, size: tuple[int, int] = PAGE, *, grain: int = 0) -> Image.Image:
    """One tone (a blank page, a black frame), or with the camera's noise (a lens cap, a dark room)."""
    img = Image.new("RGB", size, color if isinstance(color, tuple) else (color, color, color))
    if grain:
        img = ImageChops.add(img, Image.effect_noise(size, grain).convert("RGB"), scale=1.0, offset=-128)
    return img


def encoded(img: Image.Image, fmt: str = "JPEG", **options) -> bytes:  # noqa: ANN003
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 90} if fmt == "JPEG" and not options else options))
    return out.getvalue()
