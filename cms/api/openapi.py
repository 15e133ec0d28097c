"""The OpenAPI 3.1 description of /api/v2/ and /oembed/, served at /api/v2/openapi.json.

Written by hand next to the endpoints it describes (pages.py, stories.py, members.py,
oembed.py); tests/api/test_schemathesis.py fuzzes a live server against it, so a response
that drifts from it fails CI."""

from __future__ import annotations

from . import conf

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}

ERROR = {
    "type": "object",
    "properties": {"message": STRING},
    "required": ["message"],
}
OEMBED_ERROR = {"type": "object", "properties": {"error": STRING}, "required": ["error"]}

IMAGE = {
    "type": ["object", "null"],
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "width": INTEGER,
        "height": INTEGER,
        "alt": STRING,
    },
    "required": ["url", "width", "height", "alt"],
    "additionalProperties": False,
}


def _meta(extra: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"type": STRING, "detail_url": STRING, **extra},
        "required": required,
    }


PAGE = {
    "type": "object",
    "description": "A live, public page of the requesting site. Which fields appear follows "
    "?fields= (Wagtail's rules); these are the defaults.",
    "properties": {
        "id": INTEGER,
        "meta": _meta(
            {
                "html_url": NULLABLE_STRING,
                "slug": STRING,
                "first_published_at": NULLABLE_STRING,
                "locale": STRING,
                "show_in_menus": {"type": "boolean"},
                "seo_title": STRING,
                "search_description": STRING,
                "alias_of": {"type": ["object", "null"]},
                "parent": {"type": ["object", "null"]},
            },
            [],
        ),
        "title": STRING,
    },
}

STORY = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "meta": _meta(
            {"html_url": STRING, "locale": STRING},
            ["type", "detail_url", "html_url", "locale"],
        ),
        "title": STRING,
        "slug": STRING,
        "quote": STRING,
        "body": {"type": "string", "description": "HTML"},
        "person_name": STRING,
        "person_role": STRING,
        "organisation": STRING,
        "town": STRING,
        "themes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": STRING, "slug": STRING},
                "required": ["name", "slug"],
            },
        },
        "image": IMAGE,
        "photo_credit": STRING,
    },
    "required": ["id", "meta", "title", "slug", "quote", "body", "themes", "image"],
    "additionalProperties": False,
}

MEMBER = {
    "type": "object",
    "properties": {
        "id": INTEGER,
        "meta": _meta(
            {"html_url": STRING, "locale": STRING},
            ["type", "detail_url", "html_url", "locale"],
        ),
        "name": STRING,
        "slug": STRING,
        "website": STRING,
        "kind": {
            "type": "string",
            "enum": ["charity", "company", "community_group", "public_body"],
        },
        "region": STRING,
        "description": STRING,
        "founding_member": {"type": "boolean"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
        "logo": IMAGE,
    },
    "required": ["id", "meta", "name", "slug", "kind", "region", "founding_member", "logo"],
    "additionalProperties": False,
}

OEMBED = {
    "type": "object",
    "properties": {
        "version": {"const": "1.0"},
        "type": {"const": "rich"},
        "title": STRING,
        "author_name": STRING,
        "provider_name": STRING,
        "provider_url": {"type": "string", "format": "uri"},
        "html": STRING,
        "width": {"type": "integer", "minimum": 1},
        "height": {"type": "integer", "minimum": 1},
        "cache_age": INTEGER,
        "thumbnail_url": {"type": "string", "format": "uri"},
        "thumbnail_width": {"type": "integer", "minimum": 1},
        "thumbnail_height": {"type": "integer", "minimum": 1},
    },
    "required": [
        "version",
        "type",
        "title",
        "provider_name",
        "provider_url",
        "html",
        "width",
        "height",
    ],
    "additionalProperties": False,
}


def _param(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


PAGING = [
    _param("limit", COUNT, "Items per page (at most the server's limit, 50 by default)"),
    _param("offset", COUNT, "Items to skip"),
]
LOCALE = _param("locale", STRING, "A language the site offers, e.g. cy")


def _listing(item: dict) -> dict:
    return {
        "type": "object",
        "properties": {
            "meta": {
                "type": "object",
                "properties": {"total_count": COUNT},
                "required": ["total_count"],
            },
            "items": {"type": "array", "items": item},
        },
        "required": ["meta", "items"],
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {"400": _json(ERROR, "A parameter is wrong"), "404": _json(ERROR, "Not found")}


DETAIL_PARAMETERS = ("locale", "fields", "rich_text_format")


def _endpoint(tag: str, item: dict, parameters: list[dict], summary: str) -> dict:
    listing = {
        "get": {
            "tags": [tag],
            "summary": summary,
            "parameters": [*PAGING, *parameters],
            "responses": {"200": _json(_listing(item), "A page of items"), **ERRORS},
        }
    }
    detail = {
        "get": {
            "tags": [tag],
            "summary": f"One of {summary[0].lower()}{summary[1:]}",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": COUNT},
                *[param for param in parameters if param["name"] in DETAIL_PARAMETERS],
            ],
            "responses": {"200": _json(item, "The item"), **ERRORS},
        }
    }
    return {"listing": listing, "detail": detail}


PAGE_PARAMETERS = [
    _param("type", STRING, "Page type(s), e.g. core.NewsArticlePage"),
    _param("fields", STRING, "Fields to add or remove (Wagtail's ?fields= syntax)"),
    _param("order", STRING, "A field to order by, -field for descending, or random"),
    _param("search", STRING, "Words to search for"),
    _param("search_operator", {"type": "string", "enum": ["and", "or"]}, "How words combine"),
    LOCALE,
    _param("child_of", STRING, "A page id of this site, or root"),
    _param("descendant_of", COUNT, "A page id of this site"),
    _param("ancestor_of", COUNT, "A page id of this site"),
    _param("translation_of", COUNT, "A page id of this site"),
    _param("site", STRING, "This site's hostname (another site's is refused)"),
    _param(
        "rich_text_format",
        {"type": "string", "enum": ["db_html", "html", "db_markdown", "markdown"]},
        "Rich text as stored (db_html, the default), as HTML with links expanded, or Markdown",
    ),
]


FIND_PAGE = {
    "get": {
        "tags": ["pages"],
        "summary": "Find a page of this site by its path (or id): a redirect to its detail",
        "parameters": [
            _param("html_path", STRING, "The page's path on this site, e.g. /about/"),
            _param("id", COUNT, "A page id"),
        ],
        "responses": {
            "302": {
                "description": "The page's detail address (Location), other parameters kept",
                "headers": {"Location": {"schema": STRING, "required": True}},
            },
            **ERRORS,
        },
    }
}


def openapi_document(server_url: str) -> dict:
    pages = _endpoint("pages", PAGE, PAGE_PARAMETERS, "Live, public pages of this site")
    stories = _endpoint(
        "stories",
        STORY,
        [LOCALE, _param("theme", STRING, "A theme's slug"), _param("town", STRING, "A town")],
        "Stories this site shows",
    )
    members = _endpoint(
        "members",
        MEMBER,
        [LOCALE, _param("kind", STRING, "Organisation kind"), _param("region", STRING, "Region")],
        "Coalition members (sites with a member directory)",
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Connection network public API",
            "version": "2",
            "description": "Read-only JSON for the requesting site (its host decides which "
            f"site). Pages of at most {conf.limit_max()} items. CORS: any origin, GET.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/api/v2/pages/": pages["listing"],
            "/api/v2/pages/{id}/": pages["detail"],
            "/api/v2/pages/find/": FIND_PAGE,
            "/api/v2/stories/": stories["listing"],
            "/api/v2/stories/{id}/": stories["detail"],
            "/api/v2/members/": members["listing"],
            "/api/v2/members/{id}/": members["detail"],
            "/oembed/": {
                "get": {
                    "tags": ["oembed"],
                    "summary": "oEmbed of a story, campaign page or news article of ours",
                    "parameters": [
                        _param("url", STRING, "The page's address", required=True),
                        _param("format", {"type": "string", "enum": ["json", "xml"]}, "json"),
                        _param("maxwidth", {"type": "integer", "minimum": 1}, "Pixels"),
                        _param("maxheight", {"type": "integer", "minimum": 1}, "Pixels"),
                    ],
                    "responses": {
                        "200": _json(OEMBED, "The oEmbed response (type rich)"),
                        "400": _json(OEMBED_ERROR, "A parameter is wrong"),
                        "404": _json(OEMBED_ERROR, "Not one of our embeddable pages"),
                        "501": _json(OEMBED_ERROR, "A format other than json"),
                    },
                }
            },
        },
    }
