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
