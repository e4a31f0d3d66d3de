"""Read a page's forms the way a browser fills them in, for tests and benchmarks."""

from collections import defaultdict
from html.parser import HTMLParser


class FormParser(HTMLParser):
    """Collect every form on a page and the fields a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"attrs": attrs, "fields": [], "options": defaultdict(list)}
            self.forms.append(self.form)
        if self.form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.form["fields"].append((name, attrs.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.form["options"][self.select["name"]].append(value)
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            # Browsers drop the newline that follows <textarea>.
            self.form["fields"].append((name, value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            options = self.form["options"][self.select["name"]]
            if not chosen and not self.select["multiple"] and options:
                chosen = options[:1]
            self.form["fields"] += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "form":
            self.form = None


def form_with(page, field):
    """The first form on the page with a field named `field`: (fields as a dict, options)."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        names = [name for name, _value in form["fields"]]
        if field in names:
            fields = {}
            for name, value in form["fields"]:
                fields.setdefault(name, []).append(value)
            return fields, form["options"]
    return None, None


def as_items(fields):
    return [(name, value) for name, values in fields.items() for value in values]
