"""Welsh for the national site's settings' free text: tagline, footer, menu labels."""

from .welsh_words_pages import CAMPAIGN_CY, TAGLINE_CY

SITE_TEXT_CY = {
    "display_name": "Clymblaid Cysylltiad",
    "tagline": TAGLINE_CY,
    "footer_text": "Menter gan Sefydliad Jo Cox yw’r Glymblaid Cysylltiad.",
}

# The menu's labels (an item without a label shows its page's title, translated with the page).
MENU_LABELS_CY = {
    "About": "Amdanom ni",
    "Community Makes Us": CAMPAIGN_CY,
    "Stories": "Straeon",
    "Members": "Aelodau",
    "News": "Newyddion",
    "Newsletter": "Cylchlythyr",
}
