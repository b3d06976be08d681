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
    var editor = new Yasgui(root, {
      tabName: words["Query"],
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
    });
    keepLocalised(root, words);
    return editor;
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
    // The tab list holds only tabs: the "add a tab" button goes right after it.
    root.querySelectorAll(".tabsList > :not(.tab)").forEach(function (el) {
      el.parentNode.parentNode.insertBefore(el, el.parentNode.nextSibling);
    });
  }
})();
