"""Is a photo of a paper form readable at all? Two measures any caseworker would agree with, no guessing.

- **Size**: the shorter side, upright (MIN_FORM_SHORT_SIDE). A thumbnail or a screenshot of a thumbnail
  cannot show a signature or an ID number.
- **Something on it**: measured in grayscale at QUALITY_MEASURE_SIDE, its standard deviation
  (MIN_FORM_GRAY_STDDEV: one flat tone, such as a white page or a black frame) and the share of its pixels
  that are edges (ImageFilter.FIND_EDGES after a slight blur, so sensor noise is not counted:
  MIN_FORM_EDGE_SHARE). Lines of text, a table, a signature make edges; a blank page, a lens cap or an
  out-of-focus wall make none.
- **Blurred, not empty**: a picture with too few edges is looked at again much smaller (BLUR_MEASURE_SIDE), where a
  shaky or out-of-focus shot's blur is a pixel or two and its lines of text are edges again
  (MIN_BLUR_EDGE_SHARE). A blank page, a black frame, a lens cap or a wall has none there either. The person is
  told which it is: "模糊" (hold still and shoot again) is not "白纸或一片黑".

Only pixels are read; the thresholds are in limits. storage.prepare_photo refuses what fails, in Chinese.
"""

from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageStat

from backend.documents.limits import (
    BLUR_EDGE_LEVEL, BLUR_MEASURE_SIDE, FORM_EDGE_BLUR, FORM_EDGE_LEVEL, MIN_BLUR_EDGE_SHARE, MIN_FORM_EDGE_SHARE,
    MIN_FORM_GRAY_STDDEV, MIN_FORM_SHORT_SIDE, QUALITY_MEASURE_SIDE,
)

TOO_SMALL = "too_small"
BLANK = "blank"
BLURRY = "blurry"


@dataclass(frozen=True)
class Measures:
    short_side: int  # pixels, upright, as kept
    gray_stddev: float  # 0–255, at QUALITY_MEASURE_SIDE
    edge_share: float  # 0–1, at QUALITY_MEASURE_SIDE
    coarse_edge_share: float = 0.0  # 0–1, at BLUR_MEASURE_SIDE (measured only when edge_share is too low)

    @property
    def problem(self) -> str | None:
        """TOO_SMALL, BLANK, BLURRY, or None for a photo a caseworker can look at."""
        if self.short_side < MIN_FORM_SHORT_SIDE:
            return TOO_SMALL
        if self.gray_stddev < MIN_FORM_GRAY_STDDEV:
            return BLANK
        if self.edge_share < MIN_FORM_EDGE_SHARE:
            return BLURRY if self.coarse_edge_share >= MIN_BLUR_EDGE_SHARE else BLANK
        return None


def _gray(picture: Image.Image, side: int = QUALITY_MEASURE_SIDE) -> Image.Image:
    """Grayscale, transparent parts as white paper, no longer than `side` (averaged down)."""
    if "A" in picture.getbands():
        paper = Image.new("RGBA", picture.size, "white")
        paper.alpha_composite(picture.convert("RGBA"))
        picture = paper
    gray = picture.convert("L")  # always a new image: the picture to keep is not touched
    gray.thumbnail((side, side), Image.BOX)
    return gray


def _edge_share(gray: Image.Image, level: int) -> float:
    """The share of pixels that are edges at least `level` strong (after a slight blur: noise is not an edge)."""
    edges = gray.filter(ImageFilter.GaussianBlur(FORM_EDGE_BLUR)).filter(ImageFilter.FIND_EDGES)
    if edges.width > 2 and edges.height > 2:
        edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))  # FIND_EDGES marks the frame itself
    return sum(edges.histogram()[level:]) / (edges.width * edges.height)


def measure(picture: Image.Image) -> Measures:
    """The picture's size and how much is on it (see the module's docstring)."""
    gray = _gray(picture)
    stddev = ImageStat.Stat(gray).stddev[0]
    share = _edge_share(gray, FORM_EDGE_LEVEL)
    coarse = _edge_share(_gray(picture, BLUR_MEASURE_SIDE), BLUR_EDGE_LEVEL) if share < MIN_FORM_EDGE_SHARE else 0.0
    return Measures(short_side=min(picture.size), gray_stddev=stddev, edge_share=share, coarse_edge_share=coarse)
