"""Public views of the story library: residents sharing their own stories."""

from django.http import Http404


def share_story(request, index_page):
    raise Http404  # replaced by the share-your-story form


def share_story_thanks(request, index_page):
    raise Http404
