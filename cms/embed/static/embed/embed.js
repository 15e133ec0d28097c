/* Connection network widgets for members' websites (cms/embed; README "Embed the campaign on
   your website"). One <script src="https://SITE/embed.js" async></script>, then any number of
   <div data-connection-widget="signup|stories|join">. Each renders in its own Shadow DOM: the
   host page's CSS cannot reach it and it follows the host's font. No cookies, no globals: it
   adds nothing to the page but the shadow roots. Every word comes from the site (/embed/config/),
   in the widget's language (data-lang, else the page's <html lang>) if the site offers it. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector("script[src*='/embed.js']");
  var home = new URL(me ? me.src : "/", location.href).origin;
  var configs = {};
  var CSS =
    ":host{display:block!important}" +
    ".w{all:initial;display:block;box-sizing:border-box;font-family:inherit;" +
    "font-size:clamp(14px,1em,20px);line-height:1.5;color:#1b1b1b;background:#fff;" +
    "border:1px solid #bbb;border-radius:8px;padding:1em;max-width:40em;text-align:left}" +
    ".w *{box-sizing:border-box;font:inherit;color:inherit;margin:0;letter-spacing:normal;" +
    "text-transform:none}" +
    ".w .t{font-weight:700;font-size:1.15em}" +
    ".w label{display:block;font-weight:600;margin:.8em 0 .3em}" +
    ".w input,.w select{display:block;width:100%;padding:.5em;border:2px solid #555;" +
    "border-radius:4px;background:#fff}" +
    ".w .c{display:flex;gap:.6em;align-items:flex-start;margin-top:.8em}" +
    ".w .c input{width:1.5em;height:1.5em;flex:none}.w .c label{margin:0;font-weight:400}" +
    ".w button,.w .b{display:inline-block;margin-top:1em;padding:.6em 1.2em;border:0;" +
    "border-radius:4px;background:#00594f;color:#fff;font-weight:700;text-decoration:none;" +
    "cursor:pointer}" +
    ".w a{color:#00594f}.w .b{color:#fff}" +
    ".w :focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}" +
    ".w .e{color:#a4001d;font-weight:600;margin-top:.3em}" +
    ".w [aria-invalid=true]{border-color:#a4001d}" +
    ".w .h{display:none}" +
    ".w ul{list-style:none;padding:0;display:grid;gap:1em;" +
    "grid-template-columns:repeat(auto-fill,minmax(11em,1fr))}" +
    ".w img{display:block;width:100%;height:auto;border-radius:4px;margin-bottom:.4em}" +
    ".w .s{font-size:.9em}";

  // h("p", {class: "e"}, "text", child...): an element; text only ever as text, never HTML.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== false) el.setAttribute(name, attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var kid = arguments[i];
      if (kid !== null && kid !== undefined && kid !== "") {
        el.append(typeof kid === "object" ? kid : String(kid));
      }
    }
    return el;
  }

  function get(base, path, params) {
    var url = new URL(base + path);
    Object.keys(params).forEach(function (key) {
      if (params[key]) url.searchParams.set(key, params[key]);
    });
    return fetch(url, { credentials: "omit", mode: "cors" }).then(function (response) {
      if (!response.ok) throw new Error(path + " " + response.status);
      return response.json();
    });
  }

  function config(base, list, lang) {
    var key = [base, list, lang].join(" ");
    if (!configs[key]) configs[key] = get(base, "/embed/config/", { list: list, lang: lang });
    return configs[key];
  }

  // --- signup -----------------------------------------------------------------------------

  function signup(box, data, base, conf) {
    var t = conf.text, list = conf.list, token = conf.token;
    var summary = h("div", { class: "e", role: "alert" });
    var fields = {};
    var form = h("form", { novalidate: "", "aria-label": list.name }, h("p", { class: "t" }, list.name), summary);

    function field(name, label, input, wrapper) {
      var error = h("p", { class: "e", id: name + "-error", hidden: "" });
      input.id = name;
      input.name = name;
      input.setAttribute("aria-describedby", name + "-error");
      fields[name] = { input: input, error: error };
      var lab = h("label", { for: name }, label);
      form.append(wrapper ? h("div", { class: "c" }, input, lab) : h("div", {}, lab, input), error);
    }
    field("email", t.email, h("input", { type: "email", autocomplete: "email", required: "", spellcheck: "false" }));
    field("name", t.name, h("input", { type: "text", autocomplete: "name" }));
    var languages = list.languages;
    var select = h("select", {});
    languages.forEach(function (pair) {
      select.append(h("option", { value: pair[0], selected: pair[0] === conf.lang ? "" : null }, pair[1]));
    });
    if (languages.length > 1) field("language", t.language, select);
    field("consent", list.consent, h("input", { type: "checkbox", required: "" }), true);
    var trap = h("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
    form.append(h("div", { class: "h", "aria-hidden": "true" }, trap));
    var button = h("button", { type: "submit" }, t.subscribe);
    form.append(button);
    box.append(form);

    function show(errors, message) {
      var first = null;
      summary.textContent = "";
      Object.keys(fields).forEach(function (name) {
        var f = fields[name], messages = errors[name];
        f.error.hidden = !messages;
        f.error.textContent = messages ? messages.join(" ") : "";
        f.input.setAttribute("aria-invalid", messages ? "true" : "false");
        if (messages && !first) first = f.input;
      });
      var all = [].concat(errors.form || [], errors.source || [], errors.list || []);
      if (all.length || !first) summary.append(h("p", {}, all.length ? all.join(" ") : message));
      else summary.append(h("p", {}, t.problem));
      (first || button).focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      button.textContent = t.sending;
      var body = {
        list: list.slug,
        source: data.source || "",
        lang: conf.lang,
        email: fields.email.input.value,
        name: fields.name.input.value,
        language: languages.length > 1 ? select.value : languages[0][0],
        consent: fields.consent.input.checked,
        consent_version: String(list.consent_version),
        website: trap.value,
        form_started: token,
      };
      fetch(base + "/embed/signup/", {
        method: "POST",
        credentials: "omit",
        mode: "cors",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (response.status === 202) {
              var done = h("p", { role: "status", tabindex: "-1", class: "t" }, answer.message);
              box.replaceChildren(done);
              done.focus();
              return;
            }
            if (answer.token) token = answer.token;
            show(answer.errors || {}, answer.message || t.failed);
          });
        })
        .catch(function () {
          show({}, t.failed);
        })
        .finally(function () {
          button.disabled = false;
          button.textContent = t.subscribe;
        });
    });
  }

  // --- stories and join -------------------------------------------------------------------

  function stories(box, data, base, conf) {
    var params = { scope: data.scope, theme: data.theme, limit: data.limit, lang: conf.lang };
    return get(base, "/embed/stories/", params).then(function (answer) {
      var items = h("ul", {});
      answer.stories.forEach(function (story) {
        var image = story.image;
        var who = [story.name, story.town].filter(Boolean).join(", ");
        items.append(
          h(
            "li",
            { lang: story.lang !== answer.lang ? story.lang : null },
            image && h("img", { src: image.url, width: image.width, height: image.height, alt: image.alt, loading: "lazy" }),
            h("a", { href: story.url }, story.title),
            who && h("p", { class: "s" }, who)
          )
        );
      });
      var section = h("section", { "aria-label": t(conf, "stories") + ": " + conf.site.name }, items);
      if (answer.more) section.append(h("p", {}, h("a", { href: answer.more }, t(conf, "more"))));
      box.append(section);
    });
  }

  function t(conf, key) {
    return conf.text[key];
  }

  function join(box, data, base, conf) {
    box.append(h("p", {}, conf.join.text), h("a", { class: "b", href: conf.join.url }, t(conf, "join")));
  }

  var WIDGETS = { signup: signup, stories: stories, join: join };

  function render(el) {
    var data = el.dataset;
    var kind = WIDGETS[data.connectionWidget];
    if (!kind || el.shadowRoot) return; // unknown, or taken by another copy of this script
    var root = el.attachShadow({ mode: "open" });
    var base = data.site ? new URL(data.site, location.href).origin : home;
    var lang = data.lang || document.documentElement.lang || "";
    var list = kind === signup ? data.list || "" : "";
    config(base, list, lang.split("-")[0])
      .then(function (conf) {
        var box = h("div", { class: "w", lang: conf.lang });
        root.replaceChildren(h("style", {}, CSS), box);
        return kind(box, data, base, conf);
      })
      .catch(function (error) {
        console.warn("Connection widget:", error);
      });
  }

  function start() {
    document.querySelectorAll("[data-connection-widget]").forEach(render);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
