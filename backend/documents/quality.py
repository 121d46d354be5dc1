"""Is a photo of a paper form readable at all? Two measures any caseworker would agree with, no guessing.

- **Size**: the shorter side, upright (MIN_FORM_SHORT_SIDE). A thumbnail or a screenshot of a thumbnail
  cannot show a signature or an ID number.
- **Something on it**: measured in grayscale at QUALITY_MEASURE_SIDE, its standard deviation
  (MIN_FORM_GRAY_STDDEV: one flat tone, such as a white page or a black frame) and the share of its pixels
  that are edges (ImageFilter.FIND_EDGES after a slight blur, so sensor noise is not counted:
  MIN_FORM_EDGE_SHARE). Lines of text, a table, a signature make edges; a blank page, a lens cap or an
  out-of-focus wall make none.

Only pixels are read; the thresholds are in limits. storage.prepare_photo refuses what fails, in Chinese.
"""

from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

from backend.documents.limits import (
    FORM_EDGE_BLUR, FORM_EDGE_LEVEL, MIN_FORM_EDGE_SHARE, MIN_FORM_GRAY_STDDEV, MIN_FORM_SHORT_SIDE,
    QUALITY_MEASURE_SIDE,
)

TOO_SMALL = "too_small"
BLANK = "blank"


@dataclass(frozen=True)
class Measures:
    short_side: int  # pixels, upright, as kept
    gray_stddev: float  # 0–255, at QUALITY_MEASURE_SIDE
    edge_share: float  # 0–1, at QUALITY_MEASURE_SIDE

    @property
    def problem(self) -> str | None:
        """TOO_SMALL, BLANK, or None for a photo a caseworker can look at."""
        if self.short_side < MIN_FORM_SHORT_SIDE:
            return TOO_SMALL
        if self.gray_stddev < MIN_FORM_GRAY_STDDEV or self.edge_share < MIN_FORM_EDGE_SHARE:
            return BLANK
        return None


def _gray(picture: Image.Image) -> Image.Image:
    """Grayscale, transparent parts as white paper, no longer than QUALITY_MEASURE_SIDE (averaged down)."""
    if "A" in picture.getbands():
        paper = Image.new("RGBA", picture.size, "white")
        paper.alpha_composite(picture.convert("RGBA"))
        picture = paper
    gray = picture.convert("L")  # always a new image: the picture to keep is not touched
    gray.thumbnail((QUALITY_MEASURE_SIDE, QUALITY_MEASURE_SIDE), Image.BOX)
    return gray


def measure(picture: Image.Image) -> Measures:
    """The picture's size and how much is on it (see the module's docstring)."""
    gray = _gray(picture)
    stddev = ImageStat.Stat(gray).stddev[0]
    edges = gray.filter(ImageFilter.GaussianBlur(FORM_EDGE_BLUR)).filter(ImageFilter.FIND_EDGES)
    if edges.width > 2 and edges.height > 2:
        edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))  # FIND_EDGES marks the frame itself
    strong = edges.point(lambda v: 255 if v >= FORM_EDGE_LEVEL else 0).histogram()[255]
    return Measures(short_side=min(picture.size), gray_stddev=stddev, edge_share=strong / (edges.width * edges.height))
