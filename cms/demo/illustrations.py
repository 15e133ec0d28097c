"""Flat-style illustrations for the demo: neighbours, streets, a community garden, a cafe
table, in each site's palette, drawn with Pillow when the demo is built.

Pictures are drawn, not shipped, so the repository holds no binary files and no stock photo
pretends to show a real person. Nothing is written into the pixels: what a picture shows is
said by its alt text, which the caller gives with the image. The same scene, palette and seed
always give the same picture, so every build of the demo looks the same.
"""

import io
import random
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageDraw

SUPERSAMPLE = 2  # drawn at twice the size, then reduced: smooth edges without numpy


@dataclass(frozen=True)
class Palette:
    """A site's colours for its pictures: brand colours for clothes and details, and the
    scenery they sit in."""

    primary: str
    accent: str
    sky: str
    sky_low: str
    ground: str
    hills: str
    warm: str  # a third brand-friendly colour: doors, cups, flowers


PALETTES = {
    "coalition": Palette(
        primary="#2b2d6e",
        accent="#c0265f",
        sky="#bcd7f0",
        sky_low="#fbe3d2",
        ground="#8cc084",
        hills="#b7d8a8",
        warm="#f4a261",
    ),
    "coventry": Palette(
        primary="#00695c",
        accent="#bf360c",
        sky="#cfe8e4",
        sky_low="#fff1dc",
        ground="#7cb987",
        hills="#aed6b5",
        warm="#ffb74d",
    ),
}

SKIN = ["#8d5524", "#c68642", "#e0ac69", "#f1c27d", "#ffdbac", "#5c3a21"]
HAIR = ["#2b1b12", "#4a3121", "#a0522d", "#d9b26f", "#1c1c1c", "#9e9e9e"]
WALLS = ["#f6e7d8", "#e9d5c1", "#f3d9b1", "#dfe7ec", "#f0dcdc"]


class Canvas:
    """Drawing in a 1200 x 800 design space, whatever the output size."""

    def __init__(self, size: tuple[int, int], rng: random.Random, palette: Palette):
        self.width, self.height = size
        self.scale = SUPERSAMPLE * self.width / 1200
        self.rng, self.palette = rng, palette
        big = (self.width * SUPERSAMPLE, self.height * SUPERSAMPLE)
        top = PILImage.new("RGB", big, palette.sky)
        low = PILImage.new("RGB", big, palette.sky_low)
        self.image = PILImage.composite(low, top, PILImage.linear_gradient("L").resize(big))
        self.draw = ImageDraw.Draw(self.image)

    def _xy(self, points):
        return [(round(x * self.scale), round(y * self.scale)) for x, y in points]

    def rect(self, x0, y0, x1, y1, fill, radius=0):
        box = self._xy([(x0, y0), (x1, y1)])
        self.draw.rounded_rectangle(box, radius=round(radius * self.scale), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill):
        self.draw.ellipse(self._xy([(x0, y0), (x1, y1)]), fill=fill)

    def circle(self, x, y, r, fill):
        self.ellipse(x - r, y - r, x + r, y + r, fill)

    def polygon(self, points, fill):
        self.draw.polygon(self._xy(points), fill=fill)

    def line(self, points, fill, width):
        self.draw.line(self._xy(points), fill=fill, width=round(width * self.scale), joint="curve")
        for x, y in (points[0], points[-1]):  # round ends, like a limb
            self.circle(x, y, width / 2, fill)

    def jpeg_bytes(self) -> bytes:
        out = self.image.reduce(SUPERSAMPLE)
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()

    # --- scenery -----------------------------------------------------------------------------

    def hills(self, horizon=560):
        p = self.palette
        self.ellipse(-200, horizon - 120, 700, horizon + 300, p.hills)
        self.ellipse(500, horizon - 80, 1500, horizon + 300, p.hills)
        self.rect(0, horizon, 1200, 800, p.ground)

    def sun(self):
        self.circle(self.rng.randint(120, 1080), self.rng.randint(90, 150), 55, "#fff4c2")

    def tree(self, x, ground_y, height):
        self.rect(x - 9, ground_y - height * 0.45, x + 9, ground_y, "#7a5236", radius=4)
        crown = "#5e9e62" if self.rng.random() < 0.5 else "#4f8f5b"
        self.circle(x, ground_y - height * 0.62, height * 0.3, crown)
        self.circle(x - height * 0.17, ground_y - height * 0.5, height * 0.22, crown)
        self.circle(x + height * 0.17, ground_y - height * 0.5, height * 0.22, crown)

    def house(self, x, ground_y, width, height, roof):
        wall = self.rng.choice(WALLS)
        self.rect(x, ground_y - height, x + width, ground_y, wall)
        self.polygon(
            [
                (x - 14, ground_y - height),
                (x + width / 2, ground_y - height - width * 0.45),
                (x + width + 14, ground_y - height),
            ],
            roof,
        )
        door = self.palette.warm if self.rng.random() < 0.5 else self.palette.accent
        self.rect(x + width * 0.4, ground_y - height * 0.42, x + width * 0.6, ground_y, door, 6)
        for wx in (x + width * 0.12, x + width * 0.66):
            self.rect(
                wx,
                ground_y - height * 0.8,
                wx + width * 0.22,
                ground_y - height * 0.55,
                "#dff1ff",
                4,
            )

    def street(self, ground_y=560):
        x = -30
        while x < 1200:
            width = self.rng.randint(150, 200)
            self.house(x, ground_y, width, self.rng.randint(170, 230), self.palette.primary)
            x += width + self.rng.randint(30, 60)

    # --- people --------------------------------------------------------------------------------

    def person(self, x, feet_y, height=300, pose="stand", top=None, legs=None):
        """A figure standing at (x, feet_y); poses: stand, wave, run, carry."""
        rng = self.rng
        skin, hair = rng.choice(SKIN), rng.choice(HAIR)
        top = top or rng.choice([self.palette.primary, self.palette.accent, self.palette.warm])
        legs = legs or rng.choice(["#37474f", "#3e2723", "#263238", "#455a64"])
        unit = height / 10
        hip_y, neck_y, head_r = feet_y - 4.6 * unit, feet_y - 8.1 * unit, 0.95 * unit
        if pose == "run":
            self.line([(x, hip_y), (x - 1.8 * unit, feet_y - 0.8 * unit)], legs, 1.1 * unit)
            self.line(
                [(x, hip_y), (x + 1.2 * unit, hip_y + 2.2 * unit), (x + 2.2 * unit, feet_y)],
                legs,
                1.1 * unit,
            )
        else:
            for side in (-0.55, 0.55):
                self.line([(x + side * unit, hip_y), (x + side * unit, feet_y)], legs, 1.1 * unit)
        self.rect(x - 1.6 * unit, neck_y, x + 1.6 * unit, hip_y + 0.6 * unit, top, 1.2 * unit)
        self._arms(x, neck_y, unit, pose, top, skin)
        head_y = neck_y - head_r * 1.05
        self.circle(x, head_y, head_r * 1.08, hair)
        self.circle(x, head_y + 0.12 * unit, head_r, skin)
        self.draw.chord(
            self._xy(
                [
                    (x - head_r * 1.08, head_y - head_r * 1.1),
                    (x + head_r * 1.08, head_y + head_r * 0.6),
                ]
            ),
            180,
            360,
            fill=hair,
        )

    def _arms(self, x, neck_y, unit, pose, top, skin):
        shoulder = neck_y + 0.7 * unit
        width = 0.85 * unit
        reach = {
            "stand": [(-2.2, 3.6), (2.2, 3.6)],
            "wave": [(-2.2, 3.6), (3.0, -2.0)],
            "run": [(-2.4, 1.8), (2.0, 2.6)],
            "carry": [(2.6, 2.2), (2.6, 2.4)],
        }[pose]
        for side, (dx, dy) in zip((-1, 1), reach, strict=True):
            start = (x + side * 1.3 * unit, shoulder)
            end = (x + dx * unit, shoulder + dy * unit)
            self.line([start, end], top, width)
            self.circle(end[0], end[1], width * 0.6, skin)

    def seated(self, x, table_y, height=300, facing=1):
        """A figure sitting at a table whose top is at table_y: only what shows above it."""
        skin, hair = self.rng.choice(SKIN), self.rng.choice(HAIR)
        top = self.rng.choice([self.palette.primary, self.palette.accent])
        unit = height / 10
        neck_y = table_y - 3.6 * unit
        self.rect(x - 1.6 * unit, neck_y, x + 1.6 * unit, table_y + unit, top, 1.2 * unit)
        hand = (x + facing * 3.0 * unit, table_y - 0.4 * unit)
        self.line([(x + facing * 1.1 * unit, neck_y + 0.8 * unit), hand], top, 0.85 * unit)
        self.circle(hand[0], hand[1], 0.5 * unit, skin)
        head_y = neck_y - unit
        self.circle(x, head_y, 1.03 * unit, hair)
        self.circle(x + facing * 0.1 * unit, head_y + 0.12 * unit, 0.95 * unit, skin)
        self.draw.chord(
            self._xy(
                [(x - 1.03 * unit, head_y - 1.05 * unit), (x + 1.03 * unit, head_y + 0.6 * unit)]
            ),
            180,
            360,
            fill=hair,
        )
