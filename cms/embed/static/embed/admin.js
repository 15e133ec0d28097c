/* Admin → Embed: the "Copy" buttons put their snippet on the clipboard and say so. */
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("embed-copied");
    function done() {
      status.textContent = status.getAttribute("data-copied");
    }
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, done);
    } else {
      document.execCommand("copy");
      done();
    }
  });
});
