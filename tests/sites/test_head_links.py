"""`{% page_head_links %}`: what the apps registered, safe HTML as given, plain text escaped."""

from django.template import Context, Template
from django.utils.html import format_html
from wagtail import hooks


def render() -> str:
    return Template("{% load head_links %}{% page_head_links %}").render(Context({}))


def test_registered_links_are_added_and_plain_text_is_escaped():
    def link(context):
        return format_html('<link rel="alternate" href="{}">', "/a?b=1&c=2")

    def text(context):
        return '<script>alert("x")</script>'

    with (
        hooks.register_temporarily("register_page_head_links", link),
        hooks.register_temporarily("register_page_head_links", text),
    ):
        html = render()

    assert '<link rel="alternate" href="/a?b=1&amp;c=2">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_nothing_for_a_page_no_app_has_a_link_for():
    assert render() == ""
