"""cms.api plugs into the sites: the oEmbed discovery link in story, campaign and news pages'
<head> (sites.templatetags.head_links)."""

from wagtail import hooks

from .discovery import oembed_discovery_link

hooks.register("register_page_head_links", oembed_discovery_link)
