"""Request and response hardening shared by every site: request charsets, Content-Security-Policy
and Permissions-Policy configuration. Nothing here knows about pages, chapters or newsletters."""
