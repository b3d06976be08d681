// CAP PTCE explorer: without this file the filters work with their button (a GET form);
// with it, ticking a box or changing the order applies the filters at once, and the address to share
// is the one the browser shows (the page, kept for every visitor, gives it under SITE_URL or the base).
(function () {
  "use strict";
  var shared = document.getElementById("adresse");
  if (shared) { shared.value = window.location.href.split("#")[0]; }
  var form = document.getElementById("filtres");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox], select")) { form.submit(); }
  });
}());
