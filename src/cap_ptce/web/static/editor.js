// CAP PTCE editor: each answer opens at the step's heading or at the item just added (the fragment of the
// form's action says which), or at what went wrong, under the heading. Focus goes there, so that the keyboard goes on from it and a screen reader
// says where the carrier is; without JavaScript the browser starts its Tab order at the fragment.
(function () {
  "use strict";
  var form = document.getElementById("editeur");
  var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!form || !target || !form.contains(target)) { return; }
  // What went wrong with what was sent (a file that cannot be opened, say) stands under the heading: focused,
  // a screen reader reads it, where an alert already in the page as it loads is often not read out.
  var alert = target.id === "etape-titre" && form.querySelector("[data-alert]");
  if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
  target.focus({ preventScroll: true });
  // Chromium moves focus away from anything but the fragment's target once the page has loaded: then.
  if (alert) { window.addEventListener("load", function () { setTimeout(function () { alert.focus({ preventScroll: true }); }, 0); }); }
}());

// An optional copy of the description in this browser's own storage (localStorage).
// Nothing is sent anywhere: the copy stays on this computer, and only when the carrier ticks the box.
(function () {
  "use strict";
  var KEY = "cap-ptce-editeur", WANTED = "cap-ptce-editeur-garder";
  var storage;
  try { storage = window.localStorage; } catch (e) { return; }
  if (!storage) { return; }
  var state = document.getElementById("etat");
  var box = document.getElementById("garder-copie");
  var panel = document.getElementById("copie");
  if (!state || !box || !panel) { return; }
  panel.hidden = false;
  box.checked = storage.getItem(WANTED) === "1";
  // A new, empty description (the editor's first page) must not replace the copy it offers to take up again.
  var fresh = document.getElementById("editeur").hasAttribute("data-fresh");
  function save() { if (box.checked && !fresh && state.value.trim()) { storage.setItem(KEY, state.value); } }
  box.addEventListener("change", function () {
    if (box.checked) { storage.setItem(WANTED, "1"); save(); }
    else { storage.removeItem(WANTED); storage.removeItem(KEY); }
  });
  save();
  var restore = document.getElementById("copie-navigateur");
  var copy = storage.getItem(KEY);
  if (restore && copy) {
    document.getElementById("etat-copie").value = copy;
    restore.hidden = false;
    document.getElementById("oublier-copie").addEventListener("click", function () {
      storage.removeItem(KEY); restore.hidden = true;
    });
  }
}());
