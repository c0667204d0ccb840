"""Pico CSS cut down to what Rakor's pages use: `make css` writes static/vendor/pico/pico.rakor.css.

The input is Pico CSS 2.1.1 exactly as npm ships it (static/vendor/pico/pico.min.css, with its
MIT licence beside it). A phone at 400 kbit/s pays for every byte of a stylesheet and, with a
slow processor, for every rule it matches against the page, so the pages link the subset only.

What is kept, judged from our own sources (templates/, static/js/, coordination/):
- a selector (each one of a rule's comma-separated list) survives when every tag, class, id and
  attribute it names occurs in them: a tag as `<tag` (or in the minutes' allowed tags, a form
  widget's tag, or one our scripts create), a class, id, attribute name or value as a word;
  `type` and `role` values only as written in markup or a form. Pseudo-classes are not judged;
  `:is()`/`:where()` match when any of their alternatives could. Generous on purpose: a word
  that merely occurs somewhere keeps its rule;
- custom properties (--pico-*) that a kept declaration, app.css, a template or a script uses,
  directly or through another property;
- @keyframes that a kept declaration names.
Left out as well: Pico's dark theme (`prefers-color-scheme: dark`, `data-theme`): every page says
`<meta name="color-scheme" content="light">` and app.css colours are made for a light page (on a
phone set to dark mode, Pico turned the text light on app.css's light tiles).

tests/test_static_css.py fails when the committed subset lacks a rule this script would keep, so
a template that starts using more of Pico needs `make css` (and the diff shows what came back).
"""

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static/vendor/pico/pico.min.css"
OUTPUT = ROOT / "static/vendor/pico/pico.rakor.css"
# Where our pages get their markup, classes and custom properties from.
SOURCES = [
    *sorted((ROOT / "templates").rglob("*.html")),
    *sorted((ROOT / "static/js").glob("*.js")),
    *sorted((ROOT / "coordination").rglob("*.py")),
    ROOT / "static/css/app.css",
]
# Tags WTForms widgets write (no `<tag` in our sources for them).
WIDGET_TAGS = {"input", "select", "option", "optgroup", "textarea", "label", "ul", "li"}
DARK = re.compile(r"prefers-color-scheme\s*:\s*dark")
HEADER = (
    "/* Pico CSS v2.1.1 (https://picocss.com), Copyright 2019-2025, MIT licence (LICENSE.md):\n"
    " * only the rules Rakor's pages use, made by tools/subset_pico.py from pico.min.css. */\n"
)


class Used:
    """Tags, words and custom properties that occur in our sources."""

    def __init__(self, texts: list[str]):
        joined = "\n".join(texts)
        self.tags = {t.lower() for t in re.findall(r"<([A-Za-z][A-Za-z0-9]*)", joined)}
        self.tags |= set(re.findall(r"createElement\(\s*[\"']([a-z0-9]+)[\"']", joined))
        self.tags |= WIDGET_TAGS | minutes_tags(joined)
        self.words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", joined))
        self.variables = set(re.findall(r"var\(\s*(--[A-Za-z0-9_-]+)", joined))
        # `type` and `role` are judged by their values as written (a word like "range" or
        # "switch" occurs everywhere): type="x", role="x", a "type": "x" in render_kw, the
        # input type of each WTForms field a form uses, and types set by our scripts.
        quoted = r"""\s*[=:]\s*["']([a-z-]+)["']"""
        self.values = {
            name: set(re.findall(rf"""["']?\b{name}["']?{quoted}""", joined))
            | set(re.findall(rf"\.{name}\s*=\s*[\"']([a-z-]+)[\"']", joined))
            for name in ("type", "role")
        }
        self.values["type"] |= widget_types(self.words)

    def word(self, value: str) -> bool:
        return value in self.words


def widget_types(words: set[str]) -> set[str]:
    """The input types of the WTForms fields named in our sources (EmailField -> email)."""
    import wtforms.fields

    types = set()
    for name in words:
        field = getattr(wtforms.fields, name, None)
        if not isinstance(field, type):
            continue
        for widget in (getattr(field, "widget", None), getattr(field, "option_widget", None)):
            if getattr(widget, "input_type", None):
                types.add(widget.input_type)
    return types


def minutes_tags(text: str) -> set[str]:
    """The tags nh3 lets through in minutes (coordination/minutes/text.py's ALLOWED_TAGS)."""
    found = re.search(r"ALLOWED_TAGS\s*=\s*\{([^}]*)\}", text)
    return set(re.findall(r'"([a-z0-9]+)"', found.group(1))) if found else set()


def split_commas(tokens: list) -> list[list]:
    parts, current = [], []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return parts


def attribute_used(block, used: Used) -> bool:
    tokens = [t for t in block.content if t.type not in ("whitespace", "comment")]
    if not tokens or tokens[0].type != "ident":
        return True
    name = tokens[0].value.lower()
    if name == "data-theme" or not used.word(name):
        return False
    values = [t.value for t in tokens[1:] if t.type in ("ident", "string")][:1]
    if name in used.values:
        return all(value in used.values[name] for value in values)
    return all(used.word(value) for value in values)


def selector_used(tokens: list, used: Used) -> bool:
    """Could this one selector (no top-level commas) match something on our pages?"""
    tokens = [t for t in tokens if t.type != "comment"]
    i = 0
    compound_start = True
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.type == "whitespace" or (
            token.type == "literal" and token.value in (">", "+", "~")
        ):
            compound_start = True
            i += 1
            continue
        if token.type == "ident" and compound_start:
            if token.lower_value not in used.tags:
                return False
        elif token.type == "literal" and token.value == "." and following is not None:
            if not used.word(following.value):
                return False
            i += 1
        elif token.type == "hash":
            if not used.word(token.value):
                return False
        elif token.type == "[] block":
            if not attribute_used(token, used):
                return False
        elif token.type == "literal" and token.value == ":":
            if following is not None and following.type == "function":
                if following.lower_name in ("is", "where", "matches", "-webkit-any"):
                    options = split_commas(following.arguments)
                    if not any(selector_used(option, used) for option in options):
                        return False
                i += 1  # :not(), :has(), :nth-child() ... are not judged
            elif following is not None and following.type == "literal" and following.value == ":":
                i += 2  # ::pseudo-element
            else:
                i += 1
        compound_start = False
        i += 1
    return True


def kept_selectors(prelude: list, used: Used) -> list[list]:
    return [part for part in split_commas(prelude) if selector_used(part, used)]


def strip(tokens: list) -> list:
    """A selector without the whitespace around it."""
    while tokens and tokens[0].type == "whitespace":
        tokens = tokens[1:]
    while tokens and tokens[-1].type == "whitespace":
        tokens = tokens[:-1]
    return tokens


def declarations(rule) -> list:
    return [
        item
        for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
        if item.type == "declaration"
    ]


def references(tokens: list) -> set[str]:
    """Custom properties and animation names a declaration's value names."""
    found = set()
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                for argument in token.arguments:
                    if argument.type == "ident" and argument.value.startswith("--"):
                        found.add(argument.value)
            found |= references(token.arguments)
        elif token.type == "ident":
            found.add(token.value)
    return found


def select_rules(rules: list, used: Used) -> list:
    """The rules (and at-rules, recursively) whose selectors could match; selectors pruned."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = kept_selectors(rule.prelude, used)
            if selectors:
                out.append(("rule", selectors, declarations(rule)))
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude)
            if rule.at_keyword.lower() in ("media", "supports"):
                if DARK.search(prelude):
                    continue
                inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True)
                kept = select_rules(inner, used)
                if kept:
                    out.append(("block", rule, kept))
            elif rule.at_keyword.lower() == "keyframes":
                out.append(("keyframes", rule, None))
            else:  # @charset and the like
                out.append(("other", rule, None))
    return out


def walk_declarations(selected: list):
    for kind, _head, body in selected:
        if kind == "rule":
            yield from body
        elif kind == "block":
            yield from walk_declarations(body)


def needed_names(selected: list, used: Used) -> set[str]:
    """Custom properties and keyframes reachable from kept declarations and our own sources."""
    by_property: dict[str, set[str]] = {}
    needed: set[str] = set(used.variables)
    for declaration in walk_declarations(selected):
        names = references(declaration.value)
        if declaration.name.startswith("--"):
            by_property.setdefault(declaration.name, set()).update(names)
        else:
            needed |= names
    todo = list(needed)
    while todo:
        for name in by_property.get(todo.pop(), ()):
            if name not in needed:
                needed.add(name)
                todo.append(name)
    return needed


def write(selected: list, needed: set[str]) -> str:
    out = []
    for kind, head, body in selected:
        if kind == "rule":
            kept = [d.serialize() for d in body if not d.name.startswith("--") or d.name in needed]
            if kept:
                selectors = ",".join(tinycss2.serialize(strip(s)) for s in head)
                out.append(f"{selectors}{{{';'.join(kept)}}}")
        elif kind == "block":
            inner = write(body, needed)
            if inner:
                prelude = tinycss2.serialize(head.prelude).strip()
                out.append(f"@{head.at_keyword} {prelude}{{{inner}}}")
        elif kind == "keyframes":
            name = tinycss2.serialize(head.prelude).strip()
            if name in needed:
                out.append(head.serialize())
        elif head.at_keyword.lower() != "charset":
            out.append(head.serialize())
    return "".join(out)


def subset(css: str, texts: list[str]) -> str:
    """The subset of Pico's stylesheet `css` that pages made from `texts` can use."""
    used = Used(texts)
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    selected = select_rules(rules, used)
    return '@charset "UTF-8";' + HEADER + write(selected, needed_names(selected, used)) + "\n"


def rules_of(css: str, context: str = "") -> set[tuple[str, str, str]]:
    """(at-rule context, selector, declaration) for every declaration a stylesheet makes."""
    out = set()
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type == "qualified-rule":
            for selector in split_commas(rule.prelude):
                for declaration in declarations(rule):
                    out.add((context, tinycss2.serialize(strip(selector)), declaration.serialize()))
        elif rule.type == "at-rule" and rule.content is not None:
            inner = context + f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}"
            if rule.at_keyword.lower() == "keyframes":
                out.add((inner, "", tinycss2.serialize(rule.content)))
            else:
                out |= rules_of(tinycss2.serialize(rule.content), inner)
    return out


def build() -> str:
    texts = [path.read_text(encoding="utf-8") for path in SOURCES]
    return subset(SOURCE.read_text(encoding="utf-8"), texts)


def main() -> None:
    css = build()
    OUTPUT.write_text(css, encoding="utf-8")
    before = SOURCE.stat().st_size
    print(f"{OUTPUT.relative_to(ROOT)}: {len(css.encode())} bytes (Pico's own: {before})")


if __name__ == "__main__":
    sys.exit(main())
