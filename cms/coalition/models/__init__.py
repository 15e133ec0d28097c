# Members first: pages.py (and the forms and tasks it uses) import them.
from .members import JoinRequest, Member, OrganisationKind, Region  # noqa: I001
from .pages import JoinCoalitionPage, MemberDirectoryPage

__all__ = [
    "JoinCoalitionPage",
    "JoinRequest",
    "Member",
    "MemberDirectoryPage",
    "OrganisationKind",
    "Region",
]
