// Staff-list import: show the upload's progress (htmx's htmx:xhr:progress event) and keep the user
// informed while the server checks the file. Texts come from data-* attributes (translated in the template).
(function () {
  "use strict";

  function parts(form) {
    var region = document.getElementById(form.getAttribute("data-upload-progress"));
    if (!region) {
      return null;
    }
    return { region: region, bar: region.querySelector("progress"), text: region.querySelector(".import-progress-text") };
  }

  function uploadForm(event) {
    var target = event.target;
    return target && target.closest ? target.closest("form[data-upload-progress]") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    var p = form && parts(form);
    if (!p) {
      return;
    }
    p.region.hidden = false;
    p.bar.value = 0;
    p.bar.textContent = "0%";
    p.text.textContent = form.getAttribute("data-text-uploading");
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    var p = form && parts(form);
    if (!p || !event.detail || !event.detail.lengthComputable) {
      return;
    }
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    if (percent >= 100) {
      // Uploaded: the server now reads and checks the file; the bar turns indeterminate.
      p.bar.removeAttribute("value");
      p.bar.textContent = "";
      p.text.textContent = form.getAttribute("data-text-processing");
    } else {
      p.bar.value = percent;
      p.bar.textContent = percent + "%";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event);
    var p = form && parts(form);
    if (p && !event.detail.successful) {
      p.text.textContent = form.getAttribute("data-text-failed");
    }
  });
})();
