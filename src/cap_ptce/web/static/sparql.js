// The query editor of /sparql: YASGUI when it is installed, else the plain form.
// A file rather than an inline script, so that the page keeps to its Content-Security-Policy.
(function () {
  "use strict";
  var select = document.getElementById("examples");
  var data = document.getElementById("example-queries");
  var queries = data ? JSON.parse(data.textContent) : [];
  var setQuery;
  if (window.Yasgui) {
    var endpoint = document.getElementById("endpoint-url").textContent;
    // Only our endpoint, and no autocompleter that calls prefix.cc or LOV: the page reaches nothing else.
    // (Yasgui merges arrays of its defaults index by index, so the defaults themselves are changed.)
    Yasgui.Yasqe.defaults.autocompleters = ["variables"];
    ["prefixes", "property", "class"].forEach(function (name) { delete Yasgui.Yasqe.Autocompleters[name]; });
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } }
    });
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
})();
