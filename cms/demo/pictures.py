"""The demo's pictures: a scene (neighbours at a window, runners, a community hub, a garden, a
cafe table, a street) drawn in a site's palette. See illustrations.py for how they are drawn."""

import random

from .illustrations import PALETTES, Canvas, Palette

SIZE = (1200, 800)


def _window_wave(c: Canvas) -> None:
    """A neighbour waving to her friend through the window, a book left on the sill."""
    c.sun()
    c.hills(600)
    c.tree(1080, 600, 330)
    c.rect(260, 170, 940, 600, "#f3d9b1")  # the house front
    c.polygon([(230, 170), (600, 40), (970, 170)], c.palette.primary)
    c.rect(330, 250, 640, 500, "#dff1ff", 8)  # the big window
    c.seated(490, 500, height=260, facing=-1)
    c.rect(330, 372, 640, 380, "#ffffff")  # glazing bar
    c.rect(482, 250, 490, 500, "#ffffff")
    c.rect(315, 500, 655, 518, "#ffffff", 4)  # the sill, and the book on it
    c.rect(560, 478, 620, 500, c.palette.accent, 3)
    c.rect(720, 330, 860, 600, c.palette.warm, 8)  # the door
    c.rect(100, 560, 1200, 600, "#6fa86c", 14)  # a hedge
    c.person(820, 760, height=330, pose="wave")


def _runners(c: Canvas) -> None:
    """Runners setting off down a street with a bag of prescriptions."""
    c.sun()
    c.street(520)
    c.rect(0, 520, 1200, 800, "#b0b6bb")  # the road
    c.rect(0, 520, 1200, 560, "#d5d8db")  # the pavement
    for x in range(40, 1200, 180):
        c.rect(x, 680, x + 90, 694, "#ffffff", 4)
    for index, (x, y) in enumerate([(320, 770), (600, 740), (880, 770)]):
        c.person(x, y, height=310, pose="run", top=c.palette.accent if index == 1 else None)
    c.rect(640, 560, 700, 610, "#ffffff", 6)  # the prescription bag, a green cross on it
    c.rect(664, 568, 676, 602, "#2e7d32")
    c.rect(653, 579, 687, 591, "#2e7d32")


def _food_hub(c: Canvas) -> None:
    """Volunteers packing food parcels on a table at a community hub."""
    c.rect(0, 0, 1200, 800, "#f6ead8")
    c.rect(0, 620, 1200, 800, "#c9a27e")  # the floor
    for x in range(0, 1200, 80):  # bunting
        colour = c.palette.accent if (x // 80) % 2 else c.palette.primary
        c.polygon([(x, 60), (x + 70, 60), (x + 35, 120)], colour)
    c.rect(60, 180, 420, 200, "#8d6e63")  # shelves with tins
    c.rect(60, 320, 420, 340, "#8d6e63")
    for shelf_y in (180, 320):
        for x in range(80, 400, 50):
            c.rect(
                x,
                shelf_y - 70,
                x + 36,
                shelf_y,
                c.rng.choice([c.palette.warm, "#e57373", "#81c784"]),
                4,
            )
    c.person(620, 700, height=330, pose="carry")
    c.person(900, 700, height=310, pose="stand")
    c.rect(380, 560, 1140, 590, "#a1887f", 6)  # the table, parcels on it
    c.rect(420, 590, 440, 760, "#8d6e63")
    c.rect(1080, 590, 1100, 760, "#8d6e63")
    for x in (470, 640, 810, 960):
        c.rect(x, 470, x + 130, 560, "#d7b98e", 6)
        c.rect(x + 55, 470, x + 75, 560, "#bfa077")


def _garden(c: Canvas) -> None:
    """Neighbours tending raised beds in a community garden."""
    c.sun()
    c.hills(470)
    for x in range(0, 1200, 60):  # a fence
        c.rect(x + 10, 400, x + 40, 490, "#e8d3b0", 6)
    c.tree(120, 520, 360)
    for x0 in (180, 700):
        c.rect(x0, 600, x0 + 360, 680, "#8d6e63", 8)  # a raised bed
        for x in range(x0 + 30, x0 + 340, 55):
            c.line([(x, 600), (x, 540)], "#4caf50", 8)
            c.circle(x, 535, 22, c.rng.choice(["#66bb6a", c.palette.warm, "#e57373"]))
    c.person(560, 730, height=320, pose="stand")
    c.person(980, 740, height=300, pose="carry")
    c.rect(1035, 640, 1095, 700, c.palette.accent, 8)  # a watering can
    c.line([(1090, 655), (1130, 625)], c.palette.accent, 10)
    for x in (300, 420, 860):  # sunflowers
        c.line([(x, 600), (x, 430)], "#558b2f", 8)
        c.circle(x, 425, 34, "#fbc02d")
        c.circle(x, 425, 14, "#6d4c41")


def _cafe(c: Canvas) -> None:
    """Two neighbours chatting over tea at a cafe table."""
    c.rect(0, 0, 1200, 800, "#f1e4d3")
    c.rect(0, 640, 1200, 800, "#b98b68")
    c.rect(140, 110, 1060, 470, "#cfe6f3", 10)  # the cafe window, an awning above it
    for x in range(120, 1080, 80):
        colour = c.palette.primary if (x // 80) % 2 else "#ffffff"
        c.polygon([(x, 60), (x + 80, 60), (x + 80, 110), (x + 40, 130), (x, 110)], colour)
    c.rect(590, 110, 610, 470, "#ffffff")
    c.seated(360, 520, height=320, facing=1)
    c.seated(840, 520, height=300, facing=-1)
    c.ellipse(320, 500, 880, 560, "#8d6e63")  # the table
    c.rect(585, 540, 615, 720, "#6d4c41")
    c.ellipse(500, 705, 700, 735, "#6d4c41")
    for x in (500, 680):  # two cups, a teapot between them
        c.rect(x, 470, x + 44, 514, c.palette.warm, 8)
        c.line([(x + 44, 482), (x + 58, 494), (x + 44, 506)], c.palette.warm, 6)
    c.ellipse(560, 440, 650, 515, c.palette.accent)
    c.line([(560, 470), (535, 450)], c.palette.accent, 10)
    c.rect(1080, 520, 1160, 640, "#8d6e63", 8)  # a potted plant
    c.circle(1120, 480, 60, "#66bb6a")


def _neighbourhood(c: Canvas) -> None:
    """A street of houses, trees and neighbours saying hello."""
    c.sun()
    c.hills(540)
    c.street(540)
    c.rect(0, 600, 1200, 800, "#cfd8dc")  # the pavement
    c.tree(200, 620, 300)
    c.tree(1020, 620, 280)
    c.person(480, 760, height=320, pose="wave")
    c.person(700, 770, height=290, pose="stand")


SCENES = {
    "window_wave": _window_wave,
    "runners": _runners,
    "food_hub": _food_hub,
    "garden": _garden,
    "cafe": _cafe,
    "neighbourhood": _neighbourhood,
}


def draw_illustration(scene: str, palette: str | Palette, seed: str, size=SIZE) -> bytes:
    """A JPEG of `scene` in a palette (a name in PALETTES, or a Palette), the same for the same
    seed. There is deliberately no caption: say what the picture shows in its alt text."""
    if isinstance(palette, str):
        palette = PALETTES[palette]
    canvas = Canvas(size, random.Random(f"{scene}:{seed}"), palette)
    SCENES[scene](canvas)
    return canvas.jpeg_bytes()
