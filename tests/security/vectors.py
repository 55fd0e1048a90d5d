"""Public XSS vectors, and a judge that holds a page or a feed to the site's allowlist.

Sources (each vector below names its own):
- OWASP: the XSS Filter Evasion Cheat Sheet (cheatsheetseries.owasp.org), by section title.
- bleach: mozilla/bleach `tests/data/NN.test` (the html5lib / html5sec.org corpus bleach runs)
  and `tests/test_clean.py` (its mutation-XSS and URL-scheme cases).
- ammonia: rust-ammonia/ammonia `src/lib.rs` tests, by test name.
- PortSwigger: the Web Security Academy "Cross-site scripting (XSS) cheat sheet", by event or
  technique.

Every vector tries to run `alert(...)` (or load script) in the reader's browser. The judge does not
look for the payload text (an escaped payload is harmless text and may well appear); it parses what
a browser would parse, with html5lib, and checks the tree.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
from django.conf import settings

from reviewsite.html import COMMENT_ATTRIBUTES, COMMENT_TAGS, REVIEW_ATTRIBUTES, REVIEW_TAGS

# (source, vector)
VECTORS = [
    # --- OWASP XSS Filter Evasion Cheat Sheet ---
    ("OWASP: Basic XSS Test Without Filter Evasion", "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>"),
    (
        "OWASP: XSS Locator (Polyglot)",
        "javascript:/*--></title></style></textarea></script></xmp>"
        "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    ),
    ("OWASP: Malformed A Tags", '<a onmouseover="alert(document.cookie)">xxs link</a>'),
    ("OWASP: Malformed IMG Tags", '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>'),
    ("OWASP: fromCharCode", "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>"),
    ("OWASP: Default SRC Tag to Get Past Filters", "<IMG SRC=# onmouseover=\"alert('xxs')\">"),
    ("OWASP: On Error Alert", '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>'),
    (
        "OWASP: IMG onerror and JavaScript Alert Encode",
        '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
        "&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116"
        '&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
    ),
    (
        "OWASP: Decimal HTML Character References",
        "<a href=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
        "&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>x</a>",
    ),
    (
        "OWASP: Hexadecimal HTML Character References Without Trailing Semicolons",
        "<a href=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
        "&#x28&#x27&#x58&#x53&#x53&#x27&#x29>x</a>",
    ),
    ("OWASP: Embedded Tab", "<a href=\"jav\tascript:alert('XSS');\">x</a>"),
    ("OWASP: Embedded Encoded Tab", "<a href=\"jav&#x09;ascript:alert('XSS');\">x</a>"),
    ("OWASP: Embedded Newline to Break Up XSS", "<a href=\"jav&#x0A;ascript:alert('XSS');\">x</a>"),
    (
        "OWASP: Spaces and Meta Chars Before the JavaScript",
        "<a href=\" &#14;  javascript:alert('XSS');\">x</a>",
    ),
    ("OWASP: Non-alpha-non-digit XSS", '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>'),
    ("OWASP: Non-alpha-non-digit XSS (BODY)", '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>'),
    ("OWASP: Extraneous Open Brackets", '<<SCRIPT>alert("XSS");//\\<</SCRIPT>'),
    ("OWASP: No Closing Script Tags", "<SCRIPT SRC=https://xss.example/xss.js?< B >"),
    ("OWASP: Half Open HTML/JavaScript XSS Vector", "<IMG SRC=\"`<javascript:alert>`('XSS')\""),
    ("OWASP: Double Open Angle Brackets", "<iframe src=https://xss.example/scriptlet.html <"),
    ("OWASP: End Title Tag", '</TITLE><SCRIPT>alert("XSS");</SCRIPT>'),
    ("OWASP: INPUT Image", '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">'),
    ("OWASP: BODY Image", "<BODY BACKGROUND=\"javascript:alert('XSS')\">"),
    ("OWASP: SVG Object Tag", "<svg/onload=alert('XSS')>"),
    ("OWASP: BODY Tag", "<BODY ONLOAD=alert('XSS')>"),
    ("OWASP: STYLE sheet", '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">'),
    ("OWASP: META", '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">'),
    ("OWASP: IFRAME", "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>"),
    ("OWASP: TABLE", "<TABLE BACKGROUND=\"javascript:alert('XSS')\">"),
    ("OWASP: DIV Background-image", "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>"),
    ("OWASP: BASE Tag", "<BASE HREF=\"javascript:alert('XSS');//\">"),
    (
        "OWASP: OBJECT Tag",
        '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
    ),
    (
        "OWASP: List-style-image",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    ),
    # --- bleach test data ---
    ("bleach tests/data/10.test", "<IMG SRC=\"javascript:alert('XSS');\">"),
    ("bleach tests/data/20.test", "<input type=checkbox checked><input type=checkbox onclick>"),
    (
        "bleach tests/data/100.test",
        '<div id="30"><style>@import "data:,*%7bx:expression(alert(30))%7D";</style>//["\'`-->]]>]</div>',
    ),
    (
        "bleach test_clean.py: mutation XSS through noscript",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    ),
    (
        "bleach test_clean.py: mutation XSS through math/style",
        "<math><style><img src=x onerror=alert(1)></style></math>",
    ),
    (
        "bleach test_clean.py: mutation XSS through svg/style",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
    ),
    ("bleach test_clean.py: javascript with an entity colon", '<a href="javascript&#58;alert(1)">x</a>'),
    (
        "bleach test_clean.py: data: URI",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    ),
    # --- ammonia tests ---
    ("ammonia remove_script", "an <script>evil()</script> example"),
    ("ammonia remove_unsafe_link", 'an <a onclick="evil()" href="http://www.google.com">evil</a> example'),
    ("ammonia remove_js_link", 'an <a href="javascript:evil()">evil</a> example'),
    (
        "ammonia remove_entity_link",
        '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74'
        '&#x28&#x27&#x58&#x53&#x53&#x27&#x29">Click me!</a>',
    ),
    (
        "ammonia object_data",
        '<span data="javascript:evil()">Test</span><object data="javascript:evil()"></object>M',
    ),
    ("ammonia quotes_in_attrs", "<b title='\"'>contents</b>"),
    ("ammonia clean_children_of_bad_element", "<bad><evil>a</evil>b</bad>"),
    ("ammonia clean_content_tags", '<script type="text/javascript"><a>Hello!</a></script>'),
    # --- PortSwigger XSS cheat sheet ---
    ("PortSwigger: onbegin (svg animate)", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    ("PortSwigger: ontoggle", "<details open ontoggle=alert(1)>"),
    ("PortSwigger: onerror (video source)", "<video><source onerror=alert(1)>"),
    ("PortSwigger: onfocus with autofocus", "<input autofocus onfocus=alert(1)>"),
    ("PortSwigger: onfocus on a custom tag", "<xss id=x tabindex=1 onfocus=alert(1)></xss>"),
    (
        "PortSwigger: onanimationstart",
        '<style>@keyframes x{}</style><xss style="animation-name:x" onanimationstart="alert(1)"></xss>',
    ),
    ("PortSwigger: iframe srcdoc", '<iframe srcdoc="<img src=1 onerror=alert(1)>"></iframe>'),
    ("PortSwigger: formaction", "<form><button formaction=javascript:alert(1)>XSS</button></form>"),
    (
        "PortSwigger: svg animate href",
        "<svg><a><animate attributeName=href values=javascript:alert(1) />"
        "<text x=20 y=20>Click</text></a></svg>",
    ),
    ("PortSwigger: javascript with leading spaces", '<a href="  javascript:alert(1)">x</a>'),
    ("PortSwigger: javascript with &Tab;", '<a href="jav&Tab;ascript:alert(1)">x</a>'),
    ("PortSwigger: embed", '<embed src="javascript:alert(1)">'),
    (
        "PortSwigger: base href",
        '<base href="javascript:/a/-alert(1)///////"><a href=../lol/safari.html>test</a>',
    ),
    ("PortSwigger: nested links", '<a href="https://a.example/"><a href="https://b.example/">x</a></a>'),
    ("PortSwigger: onpageshow", "<body onpageshow=alert(1)>"),
    # --- our own markups: Markdown link and image syntax, comment markup ---
    ("Markdown: javascript link", "[click](javascript:alert(1))"),
    ("Markdown: image with onerror", '![x" onerror="alert(1)](https://x.example/a.png)'),
    ("Markdown: autolink with script", "<javascript:alert(1)>"),
    ("comment markup: quote attribute breakout", '[quote="x\\" onmouseover=\\"alert(1)" id=1]hi[/quote]'),
    ("comment markup: url breakout", 'https://x.example/"><img src=x onerror=alert(1)>'),
]

assert len(VECTORS) >= 40

# Websites a guest can type: the form accepts only http(s) URLs; these try to break out of href.
WEBSITES = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://x.example/"><script>alert(1)</script>',
    "https://x.example/?q=<img src=x onerror=alert(1)>",
    'https://x.example" onmouseover="alert(1)',
    "https://x.example/'onmouseover='alert(1)",
    "//x.example/",
]

SCHEMES = {"http", "https", "mailto", ""}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "background",
    "data",
    "srcset",
    "xlink:href",
}
# What our own templates put on a page, outside user content.
# What our own templates put on a page, outside user content: every tag they contain.
_TEMPLATES = Path(settings.BASE_DIR) / "templates"
SITE_TAGS = frozenset(
    tag.lower()
    for path in _TEMPLATES.rglob("*.html")
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", path.read_text())
) | {"html", "head", "body", "svg", "rect", "text"}  # accounts/avatars.py draws initials in SVG
FORBIDDEN_TAGS = {
    "iframe",
    "object",
    "embed",
    "base",
    "frame",
    "frameset",
    "applet",
    "math",
    "xss",
    "template",
}


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower()


def _scheme(url):
    compact = re.sub(r"[\x00-\x20]", "", url)
    return urlsplit(compact).scheme.lower() if ":" in compact.split("/", 1)[0] else ""


def problems(
    root, *, allowed_tags=None, allowed_attributes=None, user_links=False, site_host=None, user_content=()
):
    """What in this tree could run script, or breaks the allowlist; [] when it is clean.

    `allowed_tags`/`allowed_attributes` (from reviewsite/html.py) apply to user-content fragments;
    a whole page is held to the site's own tags, with no event handler, no `javascript:` or
    `data:` URL, no script but ours or JSON-LD, no nested links; inside `user_content` elements
    (judged by their own allowlist) the site's tags do not apply. `user_links`: every off-site link
    must carry rel="nofollow" (readers' links).
    """
    found = []
    parents = {child: parent for parent in root.iter() for child in parent}

    def ancestors(element):
        while element in parents:
            element = parents[element]
            yield element

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _local(element.tag)
        if tag in ("document_fragment", "html", "head", "body") and allowed_tags is not None:
            continue
        if tag in FORBIDDEN_TAGS:
            found.append(f"forbidden <{tag}>")
        if allowed_tags is not None and tag not in allowed_tags:
            found.append(f"<{tag}> outside the allowlist")
        if (
            allowed_tags is None
            and tag not in SITE_TAGS
            and not any(a in user_content for a in ancestors(element))
        ):
            found.append(f"<{tag}> is not one of the site's own tags")
        if tag == "script":
            kind = element.get("type", "")
            src = element.get("src", "")
            if kind == "application/ld+json":
                json.loads(element.text or "{}")  # data, and it must stay data
                if "</script" in (element.text or "").lower():
                    found.append("JSON-LD could close its <script>")
            elif not src.startswith("/static/"):
                found.append(f"<script> not from /static/: {src!r} {element.text!r:.60}")
        if tag == "meta" and element.get("http-equiv"):
            found.append("meta http-equiv")
        if (
            tag == "link"
            and element.get("rel") == "stylesheet"
            and not element.get("href", "").startswith("/static/")
        ):
            found.append(f"stylesheet from {element.get('href')!r}")
        for name, value in element.attrib.items():
            attribute = _local(name) if "}" in name else name.lower()
            if attribute.startswith("on"):
                found.append(f"event handler {attribute} on <{tag}>")
            if attribute == "style" and (
                allowed_tags is not None or "expression" in value or "url(" in value
            ):
                found.append(f"style attribute on <{tag}>: {value!r:.60}")
            is_url = attribute in URL_ATTRIBUTES or attribute.endswith("href")
            if is_url and _scheme(value) not in SCHEMES:
                found.append(f"{attribute}={value!r:.60} on <{tag}>")
            if allowed_attributes is not None and not _allowed(allowed_attributes, tag, attribute, value):
                found.append(f"attribute {attribute} on <{tag}> outside the allowlist")
        if tag == "a":
            if any(_local(a.tag) == "a" for a in ancestors(element) if isinstance(a.tag, str)):
                found.append("nested link")
            href = element.get("href", "")
            host = urlsplit(href).netloc
            if user_links and host and host != site_host and "nofollow" not in element.get("rel", "").split():
                found.append(f"reader's link without rel=nofollow: {href!r:.60}")
            if element.get("target") and "noopener" not in element.get("rel", "").split():
                found.append("target without rel=noopener")
    return found


def parse_page(html):
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def parse_fragment(html):
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def containers(root, css_class):
    return [e for e in root.iter() if isinstance(e.tag, str) and css_class in e.get("class", "").split()]


def judge_page(html, *, site_host="testserver"):
    """A whole page: the site-wide rules, plus the allowlists inside user-content containers."""
    root = parse_page(html)
    user_content = {*containers(root, "comment-body"), *containers(root, "review-body")}
    found = problems(root, site_host=site_host, user_content=user_content)
    for body in containers(root, "comment-body"):
        found += problems(
            body,
            allowed_tags=COMMENT_TAGS | {"div"},
            allowed_attributes=_with_class(COMMENT_ATTRIBUTES),
            user_links=True,
            site_host=site_host,
        )
    for body in containers(root, "review-body"):
        found += problems(
            body,
            allowed_tags=REVIEW_TAGS | {"article", "section"},
            allowed_attributes=_with_class(REVIEW_ATTRIBUTES),
            site_host=site_host,
        )
    return found


def judge_fragment(html, *, tags, attributes, user_links=False):
    return problems(
        parse_fragment(html), allowed_tags=tags, allowed_attributes=attributes, user_links=user_links
    )


def _allowed(attributes, tag, name, value):
    """bleach's attribute policy: a list of names, or a callable(tag, name, value)."""
    rule = attributes.get(tag, ())
    return rule(tag, name, value) if callable(rule) else name in rule


def _with_class(attributes):
    """The containers themselves carry our classes and ids."""
    merged = {tag: rule if callable(rule) else {*rule} for tag, rule in attributes.items()}
    for tag in ("div", "article", "section", "p", "span"):
        merged.setdefault(tag, set()).update({"class", "id"})
    return merged
