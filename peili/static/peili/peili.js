// Peili's small behaviours. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    // Confirm before destructive actions: <button data-confirm="...">
    document.body.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
    // Submit a <select data-autosubmit> form on change (filters).
    document.body.addEventListener("change", function (event) {
      if (event.target.matches("[data-autosubmit]")) {
        event.target.form.requestSubmit();
      }
    });
  });
})();
