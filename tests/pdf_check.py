"""What a PDF really shows, read back from the PDF itself, for the tests of every document.

    from tests import pdf_check

    pages = pdf_check.assert_printed(pdf, ["Dr. Ir. Siti", "Ph.D.", "陳大文"], margins=5)
    pdf_check.assert_printed(pdf, {1: ["Halaman 1 dari 2"], 2: ["Halaman 2 dari 2"]}, margins=5)
    pages[0].find("Ph.D.")  # the boxes of its characters, in mm from the page's top-left corner

assert_printed() fails, naming what and where, unless
- every word of every expected text is on the page (or on the given pages): words are matched
  case-insensitively, ignoring where the text wraps (a word broken over two lines still counts);
  an Arabic word, whose letters PDF text layers keep in no reliable order, counts when its letters
  are there together;
- every character on those pages is visible: inside the page less `margins` (the strip a printer
  cannot print: one number for all sides, or CSS's order top, right, bottom, left, in mm) and
  not cut off by a box that hides what overflows it (a text layer keeps clipped text);
- no glyph of the whole document is missing (.notdef, the empty box): every character drawn has a
  glyph in the font embedded for it, and it is that character's own glyph (not another's, as
  when two font files were merged into one PDF font);
- with clear_of_images=True, no character touches a picture (a QR code, a logo); leave it off
  where a stamp or signature is meant to cover text.

Also: read(pdf) gives each Page (number, width, height in mm, text, chars, words with boxes,
images); Page.find(text) the boxes of a text's characters or None; Page.hidden(margins) what
is not seen whole; missing_glyphs(pdf), assert_inside(pdf, margins) and
assert_no_missing_glyphs(pdf) each check one thing.

Boxes are in millimetres from the top-left corner of the page: (left, top, right, bottom).
"""

import ctypes
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

MM = 25.4 / 72
# Rounding in the PDF and in glyph boxes: a character may overstep its clip by this much (mm).
TOLERANCE = 0.15
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Scripts whose letters change shape with their neighbours: a drawn glyph need not be the one
# the font's character map names.
SHAPED = re.compile(
    r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
    r"\ufb1d-\ufdff\ufe70-\ufeff\u200c\u200d\ufe00-\ufe0f]"
)

Box = tuple[float, float, float, float]  # left, top, right, bottom (mm, from the top-left)


@dataclass(frozen=True)
class Char:
    text: str  # one character (an emoji outside the BMP is one, not two surrogates)
    box: Box
    clip: Box | None  # the area the PDF lets it be seen in, if any
    font: str


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


@dataclass
class Page:
    number: int  # from 1
    width: float  # mm
    height: float
    text: str
    chars: list[Char] = field(repr=False)
    words: list[Word] = field(repr=False)
    images: list[Box] = field(repr=False, default_factory=list)

    def find(self, text: str) -> list[Box] | None:
        """The boxes of the characters of `text` (spaces and line breaks aside), or None."""
        wanted = _squeezed(text)
        if not wanted:
            return []
        chars = [char for char in self.chars if not char.text.isspace()]
        letters = "".join(char.text.casefold() for char in chars)
        # casefold() keeps one character per character for every script we print
        if len(letters) != len(chars):
            letters = "".join(char.text for char in chars)
            wanted = "".join(text.split())
        start = letters.find(wanted)
        if start < 0 and ARABIC.search(wanted):
            start = _find_anagram(letters, wanted)
        if start < 0:
            return None
        return [char.box for char in chars[start : start + len(wanted)]]

    def hidden(
        self, margins: float | tuple[float, float, float, float] = 0, images: bool = False
    ) -> list[str]:
        """Each character that is not seen whole: outside the printable area or clipped (and,
        with `images`, one under or over a picture, such as a QR code)."""
        top, right, bottom, left = _margins(margins)
        area = (left, top, self.width - right, self.height - bottom)
        problems = []
        for char in self.chars:
            if char.text.isspace() or _empty(char.box):
                continue
            if not _inside(char.box, area):
                problems.append(f"{char.text!r} at {_mm(char.box)} outside {_mm(area)}")
            elif char.clip is not None and not _inside(char.box, char.clip):
                problems.append(f"{char.text!r} at {_mm(char.box)} cut off by {_mm(char.clip)}")
            elif images and (under := next((i for i in self.images if _meet(char.box, i)), None)):
                problems.append(f"{char.text!r} at {_mm(char.box)} meets a picture {_mm(under)}")
        return problems


def read(pdf: bytes) -> list[Page]:
    """Each page's size, text, characters and words, with their boxes."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            chars = _chars(textpage, height)
            pages.append(
                Page(
                    number=index + 1,
                    width=width * MM,
                    height=height * MM,
                    text=textpage.get_text_range(),
                    chars=chars,
                    words=_words(chars),
                    images=_images(page, height),
                )
            )
    finally:
        document.close()
    return pages


def missing_glyphs(pdf: bytes) -> list[str]:
    """Each character drawn without a glyph (as .notdef), with its font: empty when none is."""
    missing = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        seen = set()
        for page in document.pages:
            for font in _fonts(page.obj.get("/Resources"), seen):
                missing.update(_missing_in(font))
        for page in read(pdf):
            if "\ufffd" in page.text:
                missing.add(f"U+FFFD (a character the PDF cannot name) on page {page.number}")
    return sorted(missing)


def assert_printed(
    pdf: bytes,
    expected: Iterable[str] | Mapping[int, Iterable[str]],
    margins: float | tuple[float, float, float, float] = 0,
    clear_of_images: bool = False,
) -> list[Page]:
    """Every word of `expected` is printed in full, inside the margins, with real glyphs.

    `expected` is texts that may be on any page, or {page number: texts} for given pages.
    Every character of every page concerned must be seen whole (see Page.hidden), and with
    `clear_of_images` touch no picture (a QR code; not for a stamp meant to cover a name).
    Returns the pages, for further checks."""
    pages = read(pdf)
    wanted = expected if isinstance(expected, Mapping) else {None: expected}
    problems = []
    for number, texts in wanted.items():
        if number is not None and not 1 <= number <= len(pages):
            problems.append(f"no page {number} (the PDF has {len(pages)})")
            continue
        where = pages if number is None else [pages[number - 1]]
        for text in texts:
            for word in text.split():
                if not any(page.find(word) is not None for page in where):
                    on = "the PDF" if number is None else f"page {number}"
                    problems.append(f"{word!r} (of {text!r}) is not on {on}")
    concerned = pages if None in wanted else [pages[n - 1] for n in wanted if 0 < n <= len(pages)]
    for page in concerned:
        hidden = page.hidden(margins, clear_of_images)
        problems += [f"page {page.number}: {problem}" for problem in hidden]
    problems += missing_glyphs(pdf)
    assert not problems, "PDF check failed:\n  " + "\n  ".join(problems[:40])
    return pages


def assert_inside(pdf: bytes, margins: float | tuple[float, float, float, float]) -> None:
    """Every character of every page is seen whole inside the margins."""
    problems = [f"page {p.number}: {problem}" for p in read(pdf) for problem in p.hidden(margins)]
    assert not problems, "PDF check failed:\n  " + "\n  ".join(problems[:40])


def assert_no_missing_glyphs(pdf: bytes) -> None:
    problems = missing_glyphs(pdf)
    assert not problems, "Missing glyphs:\n  " + "\n  ".join(problems[:40])


# -- reading characters with pdfium ------------------------------------------------------------


def _chars(textpage, height: float) -> list[Char]:
    count = raw.FPDFText_CountChars(textpage)
    chars: list[Char] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    pending_high = None
    for index in range(count):
        code = raw.FPDFText_GetUnicode(textpage, index)
        if raw.FPDFText_IsGenerated(textpage, index) == 1:
            chars.append(Char("\n", (0, 0, 0, 0), None, ""))
            continue
        raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        box = (
            left.value * MM,
            (height - top.value) * MM,
            right.value * MM,
            (height - bottom.value) * MM,
        )
        if 0xD800 <= code < 0xDC00:  # the first half of an emoji: wait for the second
            pending_high = (code, box)
            continue
        # pdfium reads a hyphen that ends a line as U+0002
        text = "-" if code == 2 else chr(code)
        if pending_high and 0xDC00 <= code < 0xE000:
            text = chr(0x10000 + ((pending_high[0] - 0xD800) << 10) + (code - 0xDC00))
            box = _union([pending_high[1], box])
        pending_high = None
        raw.FPDFText_GetFontInfo(textpage, index, name, len(name), ctypes.byref(flags))
        font = name.value.decode(errors="replace")
        chars.append(Char(text, box, _clip(textpage, index, height), font))
    return chars


def _clip(textpage, index: int, height: float) -> Box | None:
    """The box a character's text object is clipped to (the intersection of its clip paths)."""
    obj = raw.FPDFText_GetTextObject(textpage, index)
    if not obj:
        return None
    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    x, y = ctypes.c_float(), ctypes.c_float()
    area = None
    for path in range(raw.FPDFClipPath_CountPaths(clip)):
        points = []
        for number in range(raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, path, number)
            if raw.FPDFPathSegment_GetPoint(segment, x, y):
                points.append((x.value * MM, (height - y.value) * MM))
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        area = box if area is None else _intersection(area, box)
    return area


def _images(page, height: float) -> list[Box]:
    """Where the page's pictures are, also inside forms (a stamp drawn under the page)."""
    boxes = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        boxes.append((left * MM, (height - top) * MM, right * MM, (height - bottom) * MM))
    return boxes


def _words(chars: list[Char]) -> list[Word]:
    words, current = [], []
    for char in [*chars, Char(" ", (0, 0, 0, 0), None, "")]:
        if char.text.isspace():
            if current:
                text = "".join(c.text for c in current)
                words.append(Word(text, _union([c.box for c in current])))
            current = []
        else:
            current.append(char)
    return words


# -- missing glyphs, from the fonts embedded in the PDF -------------------------------------------


def _fonts(resources, seen: set) -> Iterable:
    """The fonts of these resources and of the forms (stamps) they draw, each once."""
    if resources is None:
        return
    for font in (resources.get("/Font") or {}).values():
        if font.objgen not in seen or font.objgen == (0, 0):
            seen.add(font.objgen)
            yield font
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def _missing_in(font) -> list[str]:
    if font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
        return []
    name = str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1]
    descendant = font["/DescendantFonts"][0]
    glyph_count, gid_of_cid = _glyphs(descendant)
    to_gid = descendant.get("/CIDToGIDMap")
    mapping = None
    if isinstance(to_gid, pikepdf.Stream):
        data = to_gid.read_bytes()
        mapping = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    character_map = _character_map(descendant)
    glyph_owner = {gid: code for code, gid in character_map.items()}
    missing = []
    for cid, text in _to_unicode(font["/ToUnicode"].read_bytes()).items():
        if mapping is not None:
            gid = mapping[cid] if cid < len(mapping) else 0
        else:
            gid = gid_of_cid(cid)
        if text.isspace() or text in ("\u200b", "\u200c", "\u200d", "\ufe0f"):
            continue
        codes = " ".join(f"U+{ord(c):04X}" for c in text)
        if gid is None or gid == 0 or gid >= glyph_count:
            missing.append(f"{text!r} ({codes}) has no glyph in {name}")
        elif (
            len(text) == 1
            and not SHAPED.search(text)
            and _another_glyph(ord(text), gid, character_map, glyph_owner)
        ):
            # Another glyph than the font's own for this character: the PDF font was made of
            # two font files (WeasyPrint merges the files of one family), a garbled character.
            missing.append(f"{text!r} ({codes}) is drawn with another glyph in {name}")
    return missing


def _another_glyph(code: int, gid: int, character_map: dict, glyph_owner: dict) -> bool:
    """The glyph drawn for `code` is the font's glyph of another character."""
    if code in character_map:
        return character_map[code] != gid
    return gid in glyph_owner and glyph_owner[gid] != code


def _character_map(descendant) -> dict[int, int]:
    """The embedded font's own character map (code point to glyph number), if it kept one."""
    descriptor = descendant["/FontDescriptor"]
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if stream is None:
        return {}
    data = stream.read_bytes()
    if "/FontFile2" not in descriptor and data[:4] != b"OTTO":
        return {}
    try:
        font = TTFont(io.BytesIO(data), lazy=True)
        if "cmap" not in font:
            return {}
        order = {glyph: number for number, glyph in enumerate(font.getGlyphOrder())}
        return {code: order[glyph] for code, glyph in (font.getBestCmap() or {}).items()}
    except Exception:  # a font program fontTools cannot read: nothing to compare with
        return {}


def _glyphs(descendant):
    """How many glyphs the embedded font has, and how a CID finds its glyph."""
    descriptor = descendant["/FontDescriptor"]
    if "/FontFile2" in descriptor:
        font = TTFont(io.BytesIO(descriptor["/FontFile2"].read_bytes()), lazy=True)
        return font["maxp"].numGlyphs, lambda cid: cid
    if "/FontFile3" in descriptor:
        data = descriptor["/FontFile3"].read_bytes()
        if data[:4] == b"OTTO":  # a whole OpenType font: codes are its glyph numbers
            return TTFont(io.BytesIO(data), lazy=True)["maxp"].numGlyphs, lambda cid: cid
        cff = CFFFontSet()  # a bare CFF program
        cff.decompile(io.BytesIO(data), None)
        top = cff.topDictIndex[0]
        charset = top.charset
        if hasattr(top, "ROS"):  # CID-keyed: the charset names each glyph's CID
            index = {int(g[3:]): n for n, g in enumerate(charset) if g.startswith("cid")}
            index[0] = 0
            return len(charset), index.get
        return len(charset), lambda cid: cid
    return 0, lambda cid: None  # not embedded: nothing is drawn from the repository's fonts


def _to_unicode(cmap: bytes) -> dict[int, str]:
    text = cmap.decode("latin-1")
    result: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            result[int(code, 16)] = _utf16(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int(target, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                result[code] = chr(first + offset) if first + offset < 0xD800 else "?"
    return result


def _utf16(hexadecimal: str) -> str:
    return bytes.fromhex(hexadecimal).decode("utf-16-be", errors="replace")


# -- boxes --------------------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return "".join(text.split()).casefold()


def _find_anagram(letters: str, wanted: str) -> int:
    target = sorted(wanted)
    for start in range(len(letters) - len(wanted) + 1):
        if sorted(letters[start : start + len(wanted)]) == target:
            return start
    return -1


def _margins(margins) -> tuple[float, float, float, float]:
    if isinstance(margins, int | float):
        return (margins,) * 4
    return tuple(margins)


def _inside(box: Box, area: Box) -> bool:
    return (
        box[0] >= area[0] - TOLERANCE
        and box[1] >= area[1] - TOLERANCE
        and box[2] <= area[2] + TOLERANCE
        and box[3] <= area[3] + TOLERANCE
    )


def _meet(a: Box, b: Box) -> bool:
    """Two boxes overlap by more than the rounding."""
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE
        and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE
    )


def _empty(box: Box) -> bool:
    return box[2] - box[0] <= 0 and box[3] - box[1] <= 0


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _intersection(a: Box, b: Box) -> Box:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _mm(box: Box) -> str:
    return "(" + ", ".join(f"{v:.1f}" for v in box) + ") mm"
