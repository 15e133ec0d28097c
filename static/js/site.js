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
