"""What a browser would post from a page's form: the tests submit the fields the page really holds
(all of them — a form that grows one field per person must still be postable), not a hand-made dict."""

from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str, str]] = []  # name, value, label
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._button: tuple[str, str] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
            return
        if not self.inside or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "reset", "image", "file"}:
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a and not self._selected:
                self.fields.append((self._select, value))
                self._selected = True
        elif tag == "button" and name:
            self._button, self._label = (name, a.get("value", "")), ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "button" and self._button is not None:
            self.buttons.append((*self._button, " ".join(self._label.split())))
            self._button = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form with `form_id` would post, without any submit button."""
    parser = _Form(form_id)
    parser.feed(html)
    assert parser.found, f"no form with id {form_id!r}"
    return parser.fields


def form_post(html: str, form_id: str, *, button: str | None = None, **changes: str | None) -> dict[str, list[str]]:
    """The form's data as the test client posts it: each field as the page holds it, with `changes`
    (None unticks a checkbox), plus the submit button whose label is `button`."""
    parser = _Form(form_id)
    parser.feed(html)
    assert parser.found, f"no form with id {form_id!r}"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    if button is not None:
        matches = [(n, v) for n, v, label in parser.buttons if label == button]
        assert matches, f"no button {button!r} in {[label for *_, label in parser.buttons]}"
        name, value = matches[0]
        data[name] = [value]
    return data


def field_count(html: str, form_id: str) -> int:
    return len(form_fields(html, form_id))
