"""`{% page_head_links %}`: what the apps add to a public page's <head> (e.g. cms.api's oEmbed
discovery link), through the `register_page_head_links` hook: a function taking the template
context and giving HTML (marked safe, e.g. by format_html) or "" for pages it has nothing for.
Plain strings are escaped. An app that is not installed adds nothing."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from wagtail import hooks

PAGE_HEAD_LINKS_HOOK = "register_page_head_links"

register = template.Library()


@register.simple_tag(takes_context=True)
def page_head_links(context) -> str:
    links = (fn(context) for fn in hooks.get_hooks(PAGE_HEAD_LINKS_HOOK))
    return mark_safe("".join(conditional_escape(link) for link in links if link))  # noqa: S308
