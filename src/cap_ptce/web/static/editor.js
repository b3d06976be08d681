// The browser's Back button brings back a page of an earlier step, which holds the description as it was then:
// sent again, it would take back every answer given since, without a word. This tab keeps each description's
// latest state (sessionStorage: this tab only, gone with it; nothing is sent anywhere). A page brought back with
// an older state is shown again, at its own step, from the latest one; brought back a second time, it sends the
// latest state, and says so.
var capPtceLatest = (function () {
  "use strict";
  var form = document.getElementById("editeur");
  var state = document.getElementById("etat");
  var edition = document.getElementById("edition");
  var storage;
  try { storage = window.sessionStorage; } catch (e) { storage = null; }
  if (!form || !state || !edition || !storage) { return { stale: false }; }
  var TAB = "cap-ptce-editeur-onglet";  // the edition this tab last showed
  var fresh = form.hasAttribute("data-fresh");
  var shown = "cap-ptce-editeur-remise:" + form.getAttribute("data-page");

  function read(key) { try { return storage.getItem(key); } catch (e) { return null; } }
  function write(key, value) { try { storage.setItem(key, value); } catch (e) { /* full: the page works as before */ } }
  function broughtBack(event) {
    if (event && event.persisted) { return true; }
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }
  // The editor's first page, brought back, may come from the server again, as a new description of its own:
  // the tab's description is the one to show.
  function which(event) { return (fresh && broughtBack(event) && read(TAB)) || edition.value; }
  function latest(event) { return read("cap-ptce-editeur-etat:" + which(event)); }
  function older(event) { var kept = latest(event); return broughtBack(event) && kept !== null && kept !== state.value; }
  var sent = form.querySelector("input[name=envoyees]");  // the steps sent once, whose results show
  function keep() {
    write("cap-ptce-editeur-etat:" + edition.value, state.value);
    write("cap-ptce-editeur-envoyees:" + edition.value, sent ? sent.value : "");
    write(TAB, edition.value);
  }

  function showAgain(kept, shownEdition) {
    var again = document.createElement("form");
    again.method = "post";
    again.action = form.action;
    again.enctype = "multipart/form-data";  // as the state goes: a long one, form-encoded, grows threefold
    again.hidden = true;
    var steps = read("cap-ptce-editeur-envoyees:" + shownEdition) || "";
    [["etat", kept], ["edition", shownEdition], ["envoyees", steps], ["aller", form.getAttribute("data-step")], ["a_jour", "1"]].forEach(function (pair) {
      var field = document.createElement("textarea");
      field.name = pair[0];
      field.value = pair[1];
      again.appendChild(field);
    });
    document.body.appendChild(again);
    again.submit();
  }

  function onShow(event) {
    if (!older(event)) { keep(); return; }
    var kept = latest(event), shownEdition = which(event);
    var seen = read(shown) === kept;
    write(shown, kept);
    if (!seen) { showAgain(kept, shownEdition); return; }
    state.value = kept;  // this step's fields go on top of the latest state
    edition.value = shownEdition;
    var said = document.getElementById("page-rouverte");
    if (said) { said.hidden = false; }
    keep();
  }

  var stale = older(null);
  window.addEventListener("pageshow", onShow);
  return { stale: stale };
}());

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
  // a heading takes focus with tabindex="-1"; a field keeps its place in the Tab order (a « Corriger » button's
  // field, given -1, was skipped by Shift+Tab)
  if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
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
  // A page brought back by the Back button holds an older state: it does not replace the copy.
  function save() { if (box.checked && !fresh && !capPtceLatest.stale && state.value.trim()) { storage.setItem(KEY, state.value); } }
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

// A field the keyboard reaches under the bar of buttons kept at the foot of the window is scrolled above it.
// The browser scrolls to a field only when it is outside the window, and the bar covers the window's last
// lines (scroll-padding in carrier.css does the rest): an answer's box half under the bar stayed there.
(function () {
  "use strict";
  var form = document.getElementById("editeur");
  var bar = form && form.querySelector(".editor-actions");
  if (!bar) { return; }
  form.addEventListener("focusin", function (event) {
    var field = event.target;
    if (bar.contains(field)) { return; }
    if (window.getComputedStyle(bar).position !== "sticky") { return; }
    var box = field.getBoundingClientRect(), line = bar.getBoundingClientRect().top;
    var under = box.bottom - line + 8;
    if (under > 0 && box.top < window.innerHeight) { window.scrollBy(0, Math.min(under, box.top - 8)); }
  });
}());
