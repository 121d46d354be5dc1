"""How many SMS segments a text costs.

GSM-7 texts: 160 characters in one segment, 153 per part when split. Anything else (Chinese) is sent
as UCS-2: 70 characters in one segment, 67 per part. Characters outside the BMP count twice.
"""

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def segments(text: str) -> int:
    if all(c in GSM7 or c in GSM7_EXTENDED for c in text):
        length = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    if length <= single:
        return 1
    return -(-length // part)
