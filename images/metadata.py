"""Read credit and caption metadata (IPTC and XMP) from an opened Pillow image."""

from defusedxml import ElementTree
from PIL import IptcImagePlugin

# IPTC IIM record 2 datasets, by the field they pre-fill.
IPTC_FIELDS = {
    "photographer": (2, 80),  # By-line
    "agency": (2, 110),  # Credit
    "source": (2, 115),  # Source
    "caption": (2, 120),  # Caption-Abstract
    "copyright_notice": (2, 116),  # Copyright Notice
    "title": (2, 5),  # Object Name
}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
# XMP properties, by field; dc:* hold rdf containers, photoshop:* plain text.
XMP_FIELDS = {
    "photographer": ("dc", "creator"),
    "caption": ("dc", "description"),
    "copyright_notice": ("dc", "rights"),
    "agency": ("photoshop", "Credit"),
    "source": ("photoshop", "Source"),
    "title": ("dc", "title"),
}
MAX_LENGTH = 1000
# Real XMP packets are a few kilobytes; anything far larger is not worth parsing.
MAX_XMP_BYTES = 256 * 1024


def decode_text(value):
    if isinstance(value, list):
        value = b"; ".join(value)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return " ".join(str(value).replace("\x00", "").split())[:MAX_LENGTH]


def read_iptc(picture):
    try:
        info = IptcImagePlugin.getiptcinfo(picture) or {}
    except (SyntaxError, ValueError, IndexError, TypeError):
        return {}
    return {field: decode_text(info[key]) for field, key in IPTC_FIELDS.items() if info.get(key)}


def xmp_values(root, prefix, name):
    tag = f"{{{NS[prefix]}}}{name}"
    values = []
    for element in root.iter(tag):
        # Only the property's own container (rdf:Seq, rdf:Bag or rdf:Alt): never a deep search.
        items = [item for container in element for item in container.findall("rdf:li", NS)]
        if items:
            values.extend(item.text or "" for item in items)
        else:
            values.append(element.text or "")
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in description.attrib:
            values.append(description.attrib[tag])
    return [value.strip() for value in values if value and value.strip()]


def read_xmp(picture):
    raw = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp")
    if not raw:
        return {}
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_XMP_BYTES:
        return {}
    start = raw.find(b"<x:xmpmeta")
    end = raw.rfind(b"</x:xmpmeta>")
    if start != -1 and end != -1:
        raw = raw[start : end + len(b"</x:xmpmeta>")]
    try:
        root = ElementTree.fromstring(raw)
    except Exception:  # noqa: BLE001 - any malformed or hostile XMP is simply ignored
        return {}
    found = {}
    for field, (prefix, name) in XMP_FIELDS.items():
        values = xmp_values(root, prefix, name)
        if values:
            found[field] = decode_text("; ".join(dict.fromkeys(values)))
    return found


def read_metadata(picture):
    """Return the fields found in the image's metadata; XMP wins over legacy IPTC."""
    return read_iptc(picture) | read_xmp(picture)
