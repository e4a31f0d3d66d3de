"""Build real image files with Pillow for the image library tests."""

import io
import struct
import zlib

from PIL import Image as PILImage

XMP_TEMPLATE = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    photoshop:Credit="{credit}" photoshop:Source="{source}">
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def encode(picture, kind="JPEG", **options):
    buffer = io.BytesIO()
    picture.save(buffer, kind, **options)
    return buffer.getvalue()


def jpeg(size=(640, 480), colour=(120, 60, 30), **options):
    return encode(PILImage.new("RGB", size, colour), "JPEG", **options)


def iptc_segment(fields):
    """Return a JPEG APP13 (Photoshop IRB) segment holding IPTC record-2 datasets."""
    data = b"\x1c\x01\x5a\x00\x03\x1b\x25\x47"  # coded character set: UTF-8
    for (record, dataset), text in fields.items():
        value = text.encode("utf-8")
        data += struct.pack(">BBBH", 0x1C, record, dataset, len(value)) + value
    if len(data) % 2:
        data += b"\x00"
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(data))
    payload = b"Photoshop 3.0\x00" + block + data
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def with_iptc(jpeg_bytes, fields):
    return jpeg_bytes[:2] + iptc_segment(fields) + jpeg_bytes[2:]


def agency_photo():
    """A JPEG carrying the IPTC fields an agency wire photo has."""
    return with_iptc(
        jpeg(),
        {
            (2, 80): "SERGEI SAVOSTYANOV",
            (2, 110): "SPUTNIK",
            (2, 115): "REUTERS",
            (2, 120): "Delegates arrive at the summit in Tehran.",
            (2, 116): "© Sputnik",
            (2, 5): "IRAN-RUSSIA/SUMMIT",
        },
    )


def xmp_photo(**values):
    fields = {
        "credit": "AFP",
        "source": "AFP",
        "creator": "ANA LÓPEZ",
        "description": "Protesters gather in Caracas.",
        "rights": "© AFP 2026",
    } | values
    return jpeg(xmp=XMP_TEMPLATE.format(**fields).encode("utf-8"))


def rotated_with_gps():
    """A 640×480 JPEG whose EXIF says to rotate it upright to 480×640, with GPS and a comment."""
    picture = PILImage.new("RGB", (640, 480), (10, 120, 200))
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise
    exif[0x8825] = {1: "N", 2: (40.0, 25.0, 0.0), 3: "W", 4: (3.0, 42.0, 0.0)}
    return encode(picture, "JPEG", exif=exif, comment=b"secret comment from the camera")


def cmyk_jpeg():
    return encode(PILImage.new("CMYK", (500, 400), (0, 80, 160, 20)), "JPEG")


def sixteen_bit_png():
    return encode(PILImage.new("I;16", (400, 300), 40000), "PNG")


def palette_with_transparency():
    picture = PILImage.new("P", (300, 200), 0)
    picture.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    picture.paste(1, (50, 50, 150, 150))
    return encode(picture, "PNG", transparency=0)


def animated_gif():
    frames = [PILImage.new("P", (200, 100), index) for index in range(3)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def decompression_bomb(pixels_wide=12_000):
    """A tiny PNG file that decodes to 144 megapixels."""
    return encode(PILImage.new("1", (pixels_wide, pixels_wide)), "PNG")


def truncated_jpeg():
    return jpeg(size=(800, 600))[:1500]


def png_with_xmp_after_image_data(xmp):
    """A PNG whose XMP iTXt chunk comes after the pixel data, as some editors write it."""
    png = encode(PILImage.new("RGB", (320, 200), (90, 90, 90)), "PNG")
    payload = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp.encode("utf-8")
    chunk = struct.pack(">I", len(payload)) + b"iTXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + payload) & 0xFFFFFFFF)
    iend = png.rindex(b"IEND") - 4
    return png[:iend] + chunk + png[iend:]


def deeply_nested_xmp(depth=40_000):
    inner = "<dc:creator>" * depth + "x" + "</dc:creator>" * depth
    return XMP_TEMPLATE.replace(
        "<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>", inner
    )
