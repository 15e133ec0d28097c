"""Rendering and sending issues (being written).

Contract used by the admin (previews) and the tasks:
    render_issue(issue: NewsletterIssuePage, language: str, request=None) -> RenderedIssue
with RenderedIssue(subject: str, html: str, text: str), the personal links left as placeholders
filled per recipient by personalise().
"""
