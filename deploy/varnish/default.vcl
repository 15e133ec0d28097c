# Varnish in front of the web processes (docker-compose's `varnish` service; tests/sites/
# test_varnish.py runs this file against a real server). What it caches is what Django says:
# a response with `Cache-Control: public, s-maxage=N` (an anonymous page without a form, see
# cms/core/page_cache.py) is kept N seconds; anything else goes to Django every time. Wagtail's
# frontend cache (FRONTEND_CACHE=varnish, FRONTEND_CACHE_URL=http://varnish) sends a PURGE for
# each URL a publish changes, from the web or worker processes.
vcl 4.1;

backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
}

# Who may PURGE: the app's own processes (loopback and the private networks containers use).
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE is not allowed from " + client.ip));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors (a session) and the admin always reach Django.
    if (req.url ~ "^/admin/" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # The language is in the path (/cy/...), never taken from the browser: one copy per URL.
    unset req.http.Accept-Language;
    # An anonymous visitor's cookies (csrftoken, analytics) never change a cacheable page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what Django offers to shared caches; the rest is fetched every time (hit-for-miss).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "s-maxage=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A surge keeps being served while a purged page is fetched again.
    set beresp.grace = 30s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
