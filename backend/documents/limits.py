"""Every number that bounds what people may upload and keep, in one place.

A photo is checked as posted (MAX_BYTES, MAX_FILES), decoded only when its pixel count is sane
(MAX_PIXELS: a small file that claims a huge picture, a "decompression bomb", is refused before it
is decoded) and kept no larger than MAX_SIDE. What one person keeps a day is bounded so that one
verified phone cannot fill the disk, and a helper's paper forms waiting for a caseworker are bounded
so that one phone cannot flood a district's queue.
"""

MIB = 1024 * 1024

MAX_BYTES = 8 * MIB  # one photo, as posted and as kept
MAX_FILES = 12  # photos in one step of a case
MAX_PIXELS = 40_000_000  # width × height a photo may claim before it is decoded (a 108 MP phone mode is refused)
MAX_SIDE = 4096  # longest side kept: a signed A4 form stays readable, a camera photo is not touched

# A photo of a paper form must be readable before it is kept (documents.quality): a blank page, a lens cap, a
# black frame or a thumbnail is refused at once, in Chinese, instead of waiting days for a caseworker to reject it.
# Measured on the upright picture as kept, in grayscale, scaled down to QUALITY_MEASURE_SIDE (the same numbers
# for every camera), slightly blurred so sensor noise makes no edges. Thresholds are low on purpose: a dim or
# sparse form still passes (the caseworker judges it); only what holds nothing to read is refused.
MIN_FORM_SHORT_SIDE = 480  # pixels, the shorter side: below it a signature and an ID number cannot be read
QUALITY_MEASURE_SIDE = 800  # longest side the picture is measured at
MIN_FORM_GRAY_STDDEV = 4.0  # grayscale standard deviation (0–255): below it the picture is one flat tone
FORM_EDGE_BLUR = 1.0  # Gaussian radius before FIND_EDGES: noise of a dark or grainy shot is not writing
FORM_EDGE_LEVEL = 24  # FIND_EDGES response (0–255) that counts a pixel as an edge (a stroke, a line)
MIN_FORM_EDGE_SHARE = 0.002  # share of edge pixels: a printed A4 form has 1–15 %, a blank page or lens cap ~0
# Too few edges at that size may be a blur rather than an empty page: the same picture measured again, much smaller
# (BLUR_MEASURE_SIDE), where a blur is a few pixels wide and lines of text are edges again. A blank page, a lens cap,
# a wall or light falling across a page has none there either (its tone changes too slowly).
BLUR_MEASURE_SIDE = 200  # longest side of the second look
BLUR_EDGE_LEVEL = 16  # FIND_EDGES response that counts at that size
MIN_BLUR_EDGE_SHARE = 0.02  # a form blurred past reading has 10–30 % there; a blank page, a wall or a lens cap < 0.1 %

# Bytes kept per person and calendar day (China time). A helper (a verified phone) sends a form's photo
# or two; a caseworker may record several home visits a day, 12 photos each.
CITIZEN_DAILY_BYTES = 30 * MIB
STAFF_DAILY_BYTES = 200 * MIB

# Paper 授权委托书 one helper may have waiting for a caseworker at once: a grid worker files for several
# old people, but not for a street's worth before anyone has looked.
MAX_PENDING_PAPER_FORMS = 5
