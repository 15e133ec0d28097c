/* "Start a chapter": the brand colours' contrast, shown as the editor picks them. The server
   checks the same pairs (sites/contrast.py) and is the rule; this is a preview. */
(function () {
  "use strict";
  var output = document.querySelector("[data-chapter-contrast]");
  var data = document.getElementById("chapter-contrast-pairs");
  if (!output || !data) return;
  var pairs = JSON.parse(data.textContent);

  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function colour(name) {
    var input = document.querySelector('input[name="' + name + '"]');
    var value = input ? input.value : name;
    return /^#[0-9a-fA-F]{6}$/.test(value) ? value : null;
  }

  function render() {
    var list = document.createElement("ul");
    pairs.forEach(function (pair) {
      var fg = colour(pair.foreground), bg = colour(pair.background);
      if (!fg || !bg) return;
      var value = ratio(fg, bg);
      var passes = value >= pair.minimum;
      var item = document.createElement("li");
      item.textContent = pair.description + ": " + (Math.floor(value * 100) / 100).toFixed(2) +
        ":1 (" + (passes ? output.dataset.labelPass : output.dataset.labelFail) + ", ≥ " +
        pair.minimum + ":1)";
      item.className = passes ? "" : "error-message";
      list.appendChild(item);
    });
    output.replaceChildren(list);
  }

  document.querySelectorAll("input[data-chapter-colour]").forEach(function (input) {
    input.addEventListener("input", render);
  });
  render();
})();
