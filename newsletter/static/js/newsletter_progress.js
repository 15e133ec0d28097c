// A newsletter send's progress in the admin: poll the JSON endpoint every 2 seconds and update
// the counts and the <progress> bar the server already rendered (so the page works without JS).
// Polling stops once the send is finished; a page left open in a background tab slows down.
(function () {
  "use strict";

  var INTERVAL = 2000;
  var FIELDS = ["status_label", "paused_reason", "total", "queued", "claimed", "sent", "failed", "skipped", "remaining"];

  function start(box) {
    var url = box.getAttribute("data-url");
    var bar = box.querySelector("progress");
    var label = bar ? box.querySelector('label[for="' + bar.id + '"]') : null;
    var labelTemplate = label ? label.textContent : "";
    var wasPaused = box.getAttribute("data-status") === "paused";
    var timer = null;

    function set(name, value) {
      var element = box.querySelector('[data-field="' + name + '"]');
      if (element) {
        element.textContent = value;
      }
    }

    function render(data) {
      FIELDS.forEach(function (name) {
        if (name in data) {
          set(name, data[name]);
        }
      });
      var reasonBox = box.querySelector('[data-field="paused_reason_box"]');
      if (reasonBox) {
        reasonBox.hidden = !data.paused_reason;
      }
      if (bar) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        bar.textContent = data.done + " / " + data.total;
      }
      if (label) {
        label.textContent = labelTemplate.replace(/\d+(\D+)\d+/, data.done + "$1" + data.total);
      }
      // A send that pauses or finishes needs buttons only the server renders (e.g. "Resume").
      var paused = data.status === "paused";
      if (paused !== wasPaused || data.finished) {
        if (box.getAttribute("data-finished") !== "true") {
          window.location.reload();
        }
        return false;
      }
      return true;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok || response.redirected) {
            throw new Error("progress unavailable");
          }
          return response.json();
        })
        .then(function (data) {
          if (data.status && render(data)) {
            schedule();
          }
        })
        .catch(function () {
          schedule(INTERVAL * 5); // the server may be restarting: try again, less often
        });
    }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(poll, delay || (document.hidden ? INTERVAL * 5 : INTERVAL));
    }

    if (box.getAttribute("data-finished") !== "true") {
      schedule();
    }
  }

  function init() {
    document.querySelectorAll("[data-newsletter-progress]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
