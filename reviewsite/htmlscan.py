"""A small, linear-time HTML tokenizer for converting untrusted HTML to text markups.

It calls the same methods as `html.parser.HTMLParser` (`handle_starttag(tag, attrs)`,
`handle_endtag`, `handle_startendtag`, `handle_data` with entities decoded), but never looks
further than the next `<` or 2,000 characters for a tag: the standard library's parser on
Python 3.11 takes seconds on 60 KB of "<a<a<a..." or "<!--<!--..." and raises on "<![<![",
and WordPress exports are untrusted input. Comments, doctypes, CDATA and processing
instructions are dropped; a `<` that starts no tag is text. Attribute values may not contain
`>` (the tag then ends there, and the rest shows as text: safe, if not faithful).
"""

import html
import re

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})(\s[^<>]{0,2000}?)?\s*(/?)>")
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]{0,40})(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)


class TagScanner:
    def feed(self, text):
        pos, length = 0, len(text)
        while pos < length:
            lt = text.find("<", pos)
            if lt == -1:
                self._data(text[pos:])
                break
            if lt > pos:
                self._data(text[pos:lt])
            if text.startswith("<!--", lt):
                end = text.find("-->", lt + 4)
                pos = length if end == -1 else end + 3
                continue
            match = _TAG.match(text, lt)
            if match:
                closing, tag, attributes, self_closing = match.groups()
                tag = tag.lower()
                if closing:
                    self.handle_endtag(tag)
                elif self_closing:
                    self.handle_startendtag(tag, _attributes(attributes))
                else:
                    self.handle_starttag(tag, _attributes(attributes))
                pos = match.end()
            elif text.startswith(("<!", "<?"), lt):
                end = text.find(">", lt)
                pos = length if end == -1 else end + 1
            else:
                self._data("<")
                pos = lt + 1

    def close(self):
        pass

    def _data(self, text):
        if text:
            self.handle_data(html.unescape(text))

    def handle_starttag(self, tag, attrs):
        pass

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        pass

    def handle_data(self, data):
        pass


def _attributes(raw):
    if not raw:
        return []
    pairs = []
    for match in _ATTRIBUTE.finditer(raw):
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        pairs.append((match.group(1).lower(), html.unescape(value)))
    return pairs
