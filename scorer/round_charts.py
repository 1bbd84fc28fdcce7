"""The round report's charts: horizontal bars, drawn as SVG for the PDF (as the scorecard
draws its areas: one path for the frames, one for the bars) and as PNG for the .docx
(Pillow, which WeasyPrint already brings), from the same figures.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

LABEL_W, BAR_W, ROW_H = 130, 300, 18
FONT = "WenQuanYi Micro Hei"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SCALE = 2  # PNG pixels per SVG unit: sharp when Word prints it at the page's width


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: one row per label, each bar a share (0–1) of the full width."""
    title: str
    labels: tuple[str, ...]
    shares: tuple[float, ...]
    values: tuple[str, ...]  # the figure written after each bar

    @property
    def height(self) -> int:
        return len(self.labels) * ROW_H + 8

    @property
    def width(self) -> int:
        return LABEL_W + BAR_W + 70


def svg(chart: Bars) -> str:
    """The chart as inline SVG (labels escaped: region names come from reports)."""
    frames = "".join(f"M{LABEL_W} {i * ROW_H + 6}h{BAR_W}v11h-{BAR_W}z" for i in range(len(chart.labels)))
    bars = "".join(f"M{LABEL_W} {i * ROW_H + 6}h{BAR_W * s:.1f}v11h-{BAR_W * s:.1f}z"
                   for i, s in enumerate(chart.shares) if s > 0)
    texts = "".join(
        f'<text x="{LABEL_W - 6}" y="{i * ROW_H + 15}" text-anchor="end">{escape(label)}</text>'
        f'<text x="{LABEL_W + BAR_W + 6}" y="{i * ROW_H + 15}">{escape(value)}</text>'
        for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)))
    return (f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="{FONT}" font-size="9" role="img" aria-label="{escape(chart.title)}">'
            f'<path fill="none" stroke="#000" stroke-width="0.6" d="{frames}"/>'
            f'<path fill="#555" d="{bars}"/>{texts}</svg>')


def png(chart: Bars) -> bytes:
    """The same chart as a PNG image."""
    from PIL import Image, ImageDraw

    s = SCALE
    image = Image.new("RGB", (chart.width * s, chart.height * s), "white")
    draw = ImageDraw.Draw(image)
    font = _font(9 * s)
    for i, (label, share, value) in enumerate(zip(chart.labels, chart.shares, chart.values, strict=True)):
        top = (i * ROW_H + 6) * s
        box = (LABEL_W * s, top, (LABEL_W + BAR_W) * s, top + 11 * s)
        if share > 0:
            draw.rectangle((box[0], box[1], box[0] + round(BAR_W * share * s), box[3]), fill="#555555")
        draw.rectangle(box, outline="black", width=max(1, s // 2))
        middle = top + 5.5 * s
        draw.text(((LABEL_W - 6) * s, middle), label, fill="black", font=font, anchor="rm")
        draw.text(((LABEL_W + BAR_W + 6) * s, middle), value, fill="black", font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=4)
def _font(size: int):
    """The CJK font the PDF uses, found through fontconfig, else a known file, else Pillow's own."""
    from PIL import ImageFont

    for path in (*_fontconfig_file(), *FONT_FILES):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _fontconfig_file() -> tuple[str, ...]:
    if not shutil.which("fc-match"):
        return ()
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", FONT], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (found.stdout.strip(),) if found.returncode == 0 and found.stdout.strip() else ()
