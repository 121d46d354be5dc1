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

# Bytes kept per person and calendar day (China time). A helper (a verified phone) sends a form's photo
# or two; a caseworker may record several home visits a day, 12 photos each.
CITIZEN_DAILY_BYTES = 30 * MIB
STAFF_DAILY_BYTES = 200 * MIB

# Paper 授权委托书 one helper may have waiting for a caseworker at once: a grid worker files for several
# old people, but not for a street's worth before anyone has looked.
MAX_PENDING_PAPER_FORMS = 5
