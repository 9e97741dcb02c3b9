// Written reflection (心得寫作): a live character count under the textarea. It counts what the server
// counts (surveys.rules.reflection_length: every character but whitespace, a CJK character as one),
// but only helps — the server decides. Texts come from data-* attributes (translated in the template).
(function () {
  "use strict";

  // Python's str.isspace(), which the server uses: JavaScript's \s plus U+001C–U+001F and U+0085,
  // less U+FEFF (which Python counts).
  var SPACE = /[\s\x1c-\x1f\x85]/;

  function length(text) {
    var n = 0;
    // for…of walks code points, so a character outside the BMP counts once.
    for (var ch of text) {
      if (ch === "\ufeff" || !SPACE.test(ch)) {
        n += 1;
      }
    }
    return n;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function setUp(area) {
    var counter = document.getElementById(area.getAttribute("data-reflection-counter"));
    var announcer = document.getElementById(area.getAttribute("data-reflection-announcer"));
    if (!counter) {
      return;
    }
    var min = parseInt(area.getAttribute("data-reflection-min"), 10) || 0;
    var wasEnough = null;

    function update() {
      var n = length(area.value);
      var enough = n >= min;
      counter.textContent = fill(counter.getAttribute(enough ? "data-text-enough" : "data-text-short"), {
        n: n,
        min: min,
        left: Math.max(min - n, 0),
      });
      counter.classList.toggle("survey-reflection-enough", enough);
      // Tell screen readers only when the minimum is reached or lost, not at every keystroke.
      if (announcer && wasEnough !== null && enough !== wasEnough) {
        announcer.textContent = counter.textContent;
      }
      wasEnough = enough;
    }

    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var areas = document.querySelectorAll("textarea[data-reflection-counter]");
    for (var i = 0; i < areas.length; i += 1) {
      setUp(areas[i]);
    }
  });
})();
