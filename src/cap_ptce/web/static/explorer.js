// CAP PTCE explorer: without this file the filters work with their button (a GET form);
// with it, ticking a box or changing the order applies the filters at once.
(function () {
  "use strict";
  var form = document.getElementById("filtres");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox], select")) { form.submit(); }
  });
}());
