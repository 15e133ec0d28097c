// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = button.getAttribute("data-copy-url");
      var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
      } else {
        window.prompt(button.getAttribute("data-prompt"), url);
      }
    });
  });
})();

// Responsive embeds (templates/wagtailembeds/embed_frontend.html): the video's own ratio, set
// through the DOM because the Content-Security-Policy refuses inline style attributes.
(function () {
  "use strict";
  document.querySelectorAll(".responsive-object[data-ratio]").forEach(function (wrapper) {
    var ratio = wrapper.getAttribute("data-ratio");
    if (/^\d{1,3}(\.\d+)?%$/.test(ratio)) { wrapper.style.paddingBottom = ratio; }
  });
})();

// The phone menu (templates/includes/navigation.html): folded behind its button below 48rem,
// always open above. The button says whether the menu is open (aria-expanded); Escape closes
// it and gives the focus back to the button.
(function () {
  "use strict";
  var button = document.querySelector(".site-nav__toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  var setOpen = function (open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("site-nav__menu--folded", !open);
  };
  var follow = function () {
    button.hidden = !narrow.matches;
    setOpen(!narrow.matches);
  };
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches) { setOpen(false); button.focus(); }
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", follow); }
  follow();
})();
