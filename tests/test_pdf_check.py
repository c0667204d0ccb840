"""The PDF checker finds what a reader of the paper would miss, and every PDF stylesheet prints
every script we promise from the repository's fonts."""

import io
from base64 import b64encode

import pikepdf
import pytest
from PIL import Image

from coordination.documents.engine import STATIC, StaticOnlyFetcher, html_to_pdf

from . import pdf_check

NAMES = "Dr. Siti, M.Sc., Ph.D. 陳大文 林美玲 محمد عبد الله Budi 🎉 👍 😀 ❤ ☕ Ağça Đặng"


def pdf_of(body: str, css: str = "badges.css") -> bytes:
    return html_to_pdf(f"<body>{body}</body>", css, StaticOnlyFetcher())


def embedded_fonts(pdf: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {
            str(font.BaseFont).split("+")[-1]
            for page in document.pages
            for font in page.Resources.Font.values()
        }


@pytest.mark.parametrize("css", sorted(path.name for path in (STATIC / "pdf").glob("*.css")))
def test_every_pdf_stylesheet_prints_chinese_arabic_and_emoji_from_our_fonts(css):
    """A stylesheet that forgets static/pdf/fonts.css fails here."""
    pdf = pdf_of(f"<p>{NAMES}</p><p><b>{NAMES}</b></p>", css)
    pages = pdf_check.assert_printed(pdf, [NAMES])
    assert pages[0].find("محمد عبد الله") and pages[0].find("👍")
    assert embedded_fonts(pdf) <= {
        "Rakor-Sans",
        "Rakor-Sans-Bold",
        "Rakor-Latin",
        "Rakor-Latin-Bold",
        "Rakor-Arabic",
        "Rakor-Arabic-Bold",
        "Rakor-Chinese",
        "Rakor-Emoji",
    }


def test_words_have_boxes_in_millimetres_from_the_top_left():
    pdf = pdf_of('<p style="margin: 0; font-size: 20pt">Rakor</p>')
    [page] = pdf_check.read(pdf)
    assert (round(page.width), round(page.height)) == (210, 297)  # A4
    [word] = page.words
    left, top, right, bottom = word.box  # badges.css: a 5 mm page margin
    assert word.text == "Rakor" and 5 <= left < 7 and 5 <= top < 8 and right > 20 and bottom < 14


def test_a_word_broken_over_two_lines_is_found():
    pdf = pdf_of('<p style="width: 12mm; overflow-wrap: anywhere">Kusumawardhani</p>')
    [page] = pdf_check.assert_printed(pdf, ["Kusumawardhani"])
    assert len(page.words) > 1


def test_text_cut_off_by_its_box_is_reported():
    pdf = pdf_of(
        '<div style="width: 40mm; height: 9mm; overflow: hidden">'
        "Prof. Dr. Ir. Siti Nurhalimah Kusumawardhani, S.H., M.Sc., Ph.D.</div>"
    )
    with pytest.raises(AssertionError, match="cut off"):
        pdf_check.assert_printed(pdf, ["Ph.D."])


def test_text_in_the_strip_a_printer_cannot_print_is_reported():
    pdf = pdf_of("<p style='margin: 0'>Rakor</p>")  # at 5 mm from the sheet's edge
    pdf_check.assert_printed(pdf, ["Rakor"], margins=5)
    with pytest.raises(AssertionError, match="outside"):
        pdf_check.assert_printed(pdf, ["Rakor"], margins=8)


def test_a_missing_word_is_named():
    with pytest.raises(AssertionError, match="'Hinggil' .* is not on page 1"):
        pdf_check.assert_printed(pdf_of("<p>Aula Bale</p>"), {1: ["Aula Bale Hinggil"]})


def test_a_character_no_font_of_ours_has_is_a_missing_glyph():
    """Braille is in none of our fonts (this machine's DejaVu has it: it is not used)."""
    pdf = pdf_of("<p>Rakor ⠗⠁⠅⠕⠗</p>")
    assert pdf_check.missing_glyphs(pdf) == [
        f"'{char}' (U+{ord(char):04X}) has no glyph in Rakor-Sans" for char in sorted("⠗⠁⠅⠕")
    ]
    with pytest.raises(AssertionError, match="no glyph"):
        pdf_check.assert_printed(pdf, ["Rakor"])


def test_a_character_drawn_with_another_fonts_glyph_is_reported():
    """Two files in one family become one PDF font in WeasyPrint: some characters then show
    another character's glyph (emoji did so in the minutes before fonts.css)."""
    style = (
        '<style>@font-face { font-family: "Two"; src: url("/static/fonts/noto/'
        'NotoSansSC-Regular.otf"); }'
        '@font-face { font-family: "Two"; src: url("/static/fonts/liberation/'
        'LiberationSans-Regular.ttf"); } p { font-family: "Two"; }</style>'
    )
    problems = pdf_check.missing_glyphs(pdf_of(f"{style}<p>Budi 陳大文 林美玲</p>"))
    assert problems and all("Two" in problem for problem in problems)


def test_text_over_a_picture_is_reported_when_asked():
    picture = io.BytesIO()
    Image.new("L", (20, 20)).save(picture, "PNG")
    qr = "data:image/png;base64," + b64encode(picture.getvalue()).decode()
    pdf = pdf_of(
        f'<img src="{qr}" style="width: 30mm; height: 30mm; display: block">'
        '<p style="margin-top: -20mm; font-size: 20pt">Rakor</p>'
    )
    pdf_check.assert_printed(pdf, ["Rakor"])
    with pytest.raises(AssertionError, match="meets a picture"):
        pdf_check.assert_printed(pdf, ["Rakor"], clear_of_images=True)
