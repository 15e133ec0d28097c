"""Newsletters in the Wagtail admin: sending an issue to its site's list, watching it go out,
and each list's numbers and subscribers. permissions.py says who may do what (below),
services.py changes state, forms.py holds the admin's forms, views/ one module per screen,
and viewsets.py registers the URLs and the menu item (through newsletter/wagtail_hooks.py).

Who may do what:
- An issue is sent by whoever may publish *that* issue page; Wagtail's page permissions already
  give each chapter's editors their own tree only. The list is always the issue's own site's,
  never one the user picks, so an editor can reach no other list by sending.
- A list's numbers and subscribers are shown to whoever may publish its site's root page, and
  network-wide to holders of the ordinary `newsletter.view_newsletterlist` permission (the
  national team); a group can also hold it for one site (GroupSitePermission), as with stories.
- A list's settings (its name, sender name, reply-to address and consent wording) are changed
  by whoever may publish its site's root page, and by holders of
  `newsletter.change_newsletterlist`, network-wide or for that one site (GroupSitePermission).
- Through a list's admin, whoever may see the list sees and acts on that list's subscriptions
  only: the address, the name given to that site, its dates and consent records, never
  whether the person is on any other list. Removing someone there removes them from that list
  (suppressed for it alone).
- Erasing a person from every list (a GDPR erasure request) is the national data team's:
  holders of `newsletter.erase_subscriber_everywhere`, on a page of its own, logged in
  NetworkErasure.

Every state change is a POST guarded by a conditional UPDATE, so a double click or two editors
at once change the state once, and enqueue once.
"""
