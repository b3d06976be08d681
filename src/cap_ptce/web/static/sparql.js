// The query editor of /sparql: YASGUI when it is installed, else the plain form.
// A file rather than an inline script, so that the page keeps to its Content-Security-Policy.
(function () {
  "use strict";
  var select = document.getElementById("examples");
  var data = document.getElementById("example-queries");
  var queries = data ? JSON.parse(data.textContent) : [];
  var setQuery;
  if (window.Yasgui) {
    var yasgui = startYasgui(document.getElementById("yasgui"));
    window.capPtceYasgui = yasgui;
    setQuery = function (text) { yasgui.getTab().getYasqe().setValue(text); };
  } else {
    setQuery = function (text) { document.getElementById("query").value = text; };
  }
  if (select) {
    select.addEventListener("change", function () {
      if (select.value !== "") { setQuery(queries[Number(select.value)]); }
    });
  }

  function startYasgui(root) {
    var words = JSON.parse(document.getElementById("yasgui-words").textContent);
    var endpoint = document.getElementById("endpoint-url").textContent;
    // Only our endpoint, and no autocompleter that calls prefix.cc or LOV: the page reaches nothing else.
    // (Yasgui merges arrays of its defaults index by index, so the defaults themselves are changed.)
    Yasgui.Yasqe.defaults.autocompleters = ["variables"];
    ["prefixes", "property", "class"].forEach(function (name) { delete Yasgui.Yasqe.Autocompleters[name]; });
    var errorWords = JSON.parse(document.getElementById("error-words").textContent);
    var lastError = { body: null };
    // Each tab's results take their error renderers from YASR's defaults, not from this configuration.
    Yasgui.Yasr.defaults.errorRenderers = [function (error) { return explained(error, lastError, errorWords); }];
    var editor = new Yasgui(root, {
      tabName: words["Query"],
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
    });
    // The endpoint's error is JSON (message, line, column, hint); YASGUI keeps the message alone.
    // Each tab's editor hands its answer over as it arrives, right after the results ask for it.
    editor.on("query", function (instance, tab) {
      var yasqe = tab.getYasqe();
      if (yasqe.capPtceWatched) { return; }
      yasqe.capPtceWatched = true;
      yasqe.on("queryResponse", function (_yasqe, response) {
        var body = response && response.response && response.response.body;
        lastError.body = body && typeof body === "object" && typeof body.message === "string" ? body : null;
      });
    });
    keepLocalised(root, words);
    return editor;
  }

  // The endpoint's message with its position and what to do, or nothing (YASGUI's own rendering)
  // for an answer that is not our JSON error. Asked before the answer is handed over: read just after.
  function explained(error, lastError, errorWords) {
    return new Promise(function (resolve) {
      setTimeout(function () {
        var body = lastError.body;
        if (!body || body.message !== error.text) { resolve(undefined); return; }
        var box = document.createElement("div");
        box.className = "sparql-error";
        line(box, body.message);
        if (typeof body.line === "number") {
          var where = typeof body.column === "number" ? errorWords.position : errorWords.position_line;
          line(box, where.replace("{line}", body.line).replace("{column}", body.column));
        }
        if (body.hint) { line(box, errorWords.hint + " " + body.hint); }
        resolve(box);
      }, 0);
    });
  }

  function line(box, text) {
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
  }

  // YASGUI 4 has no translations: its English texts get the page's words, and the fields it leaves
  // unnamed get a name; again whenever it redraws a part (tabs, results).
  function keepLocalised(root, words) {
    var watched = { subtree: true, childList: true, characterData: true, attributes: true,
                    attributeFilter: ["title", "aria-label", "placeholder"] };
    var observer = new MutationObserver(function () {
      observer.disconnect();
      localise(root, words);
      observer.observe(root, watched);
    });
    localise(root, words);
    observer.observe(root, watched);
  }

  function localise(root, words) {
    function name(selector, key) {
      root.querySelectorAll(selector).forEach(function (el) { el.setAttribute("aria-label", words[key]); });
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      var text = node.nodeValue.trim();
      if (words[text] && words[text] !== text) { node.nodeValue = node.nodeValue.replace(text, words[text]); }
    }
    root.querySelectorAll("[title], [aria-label], [placeholder]").forEach(function (el) {
      ["title", "aria-label", "placeholder"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value && words[value] && words[value] !== value) { el.setAttribute(attribute, words[value]); }
      });
    });
    name("input.autocomplete", "yasgui.endpoint_field");
    name(".CodeMirror textarea", "yasgui.query_field");
    name(".tab input[type=text]", "yasgui.tab_name_field");
    name("select.tableSizer", "yasgui.rows_per_page_field");
    // The results' first column (row numbers) has an empty header.
    root.querySelectorAll(".yasr table.dataTable th").forEach(function (th) {
      if (!th.textContent.trim()) { th.textContent = words["yasgui.row_number_field"]; }
    });
    // « 3 results in 0.026 seconds » over the results: one sentence made with figures.
    root.querySelectorAll(".yasr_response_chip").forEach(function (chip) {
      var found = /^(?:(\d+) results?|Response) in ([0-9.]+) seconds?$/.exec(chip.textContent.trim());
      if (!found) { return; }
      var seconds = Number(found[2]).toLocaleString(root.getAttribute("lang") || "en");
      chip.textContent = found[1] !== undefined
        ? words["yasgui.results_in_pattern"].replace("{n}", found[1]).replace("{s}", seconds)
        : words["yasgui.response_in_pattern"].replace("{s}", seconds);
    });
    // The tab list holds only tabs: the "add a tab" button goes right after it.
    root.querySelectorAll(".tabsList > :not(.tab)").forEach(function (el) {
      el.parentNode.parentNode.insertBefore(el, el.parentNode.nextSibling);
    });
  }
})();
