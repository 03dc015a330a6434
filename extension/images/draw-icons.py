"""Draw the extension's PNG icons (extension/images/icon-*.png) and the server's favicon
(server/web/static/favicon.ico: the same 16 and 32 px PNGs in an ICO) with zlib and struct only."""
import os
import struct
import zlib

OUT = os.path.dirname(os.path.abspath(__file__))
BLUE, WHITE, CLEAR = (26, 115, 232, 255), (255, 255, 255, 255), (0, 0, 0, 0)


def pixel(x, y, n):
    """A rounded blue tile with a white calendar: header bar and a 2x2 grid of days."""
    r = n * 0.2
    cx, cy = min(max(x + 0.5, r), n - r), min(max(y + 0.5, r), n - r)
    if (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r:
        return CLEAR
    u, v = (x + 0.5) / n, (y + 0.5) / n
    if 0.2 <= u <= 0.8 and 0.22 <= v <= 0.36:
        return WHITE
    for gx in (0.2, 0.54):
        for gy in (0.44, 0.64):
            if gx <= u <= gx + 0.26 and gy <= v <= gy + 0.14:
                return WHITE
    return BLUE


def png(n):
    rows = b''.join(b'\0' + b''.join(bytes(pixel(x, y, n)) for x in range(n)) for y in range(n))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 6, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))


def ico(sizes):
    """An ICO file whose entries are PNGs (read by every current browser)."""
    images = [png(n) for n in sizes]
    offset = 6 + 16 * len(images)
    head = struct.pack('<HHH', 0, 1, len(images))
    for n, image in zip(sizes, images):
        head += struct.pack('<BBBBHHII', n % 256, n % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return head + b''.join(images)


if __name__ == '__main__':
    for size in (16, 32, 48, 128):
        with open(os.path.join(OUT, f'icon-{size}.png'), 'wb') as f:
            f.write(png(size))
        print(f'icon-{size}.png')
    favicon = os.path.join(OUT, '..', '..', 'server', 'web', 'static', 'favicon.ico')
    with open(favicon, 'wb') as f:
        f.write(ico((16, 32)))
    print(os.path.normpath(favicon))
