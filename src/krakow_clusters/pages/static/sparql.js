/* The query page's editor (templates/sparql.html): YASGUI (static/yasgui/, vendored unchanged) in
 * place of the plain form, which stays in the page and works without script.
 *
 * Configured so that the editor asks nothing of any other host:
 * - queries go to this server's /sparql (the page's data-endpoint), and only there: no endpoint
 *   catalogue of other servers, no endpoint or query taken from the page's URL;
 * - prefixes come from the project's namespace table (the page's data-prefixes), not from
 *   prefix.cc; the property and class autocompleters, which ask LOV, are off;
 * - nothing is kept in the browser's storage: the page's query is the one shown.
 * The page's Content-Security-Policy (web/guard.py, editor_policy) holds the browser to it.
 */
(function () {
  "use strict";
  var root = document.getElementById("editor");
  var form = document.getElementById("query-form");
  var Yasgui = window.Yasgui;
  if (!root || !form || typeof Yasgui !== "function") {
    return; // the plain form stays
  }
  var Yasqe = Yasgui.Yasqe;
  var endpoint = new URL(root.getAttribute("data-endpoint"), document.baseURI).href;
  var prefixes = JSON.parse(root.getAttribute("data-prefixes"));
  var prefixList = Object.keys(prefixes)
    .sort()
    .map(function (p) {
      return p + ": <" + prefixes[p] + ">";
    });

  // The prefixes autocompleter, answered from the namespace table instead of prefix.cc, and kept
  // out of the browser's storage (persistenceId undefined).
  Yasqe.registerAutocompleter(
    Object.assign({}, Yasqe.Autocompleters.prefixes, {
      get: function () {
        return prefixList;
      },
      persistenceId: undefined,
    }),
    true
  );
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasqe.defaults.prefixCcApi = endpoint; // never used (get above); never another host

  var textarea = form.querySelector("textarea");
  var yasgui = new Yasgui(root, {
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
    // contenteditable: the editor's input is inside its scrolling area (keyboard access to it)
    // and is what screen readers read, rather than a hidden textarea
    yasqe: { value: textarea.value, inputStyle: "contenteditable" },
    yasr: { prefixes: prefixes, defaultPlugin: "table" },
  });
  form.hidden = true;
  // Names for what YASGUI and CodeMirror leave unnamed, in the page's words (data-label-* of
  // #editor, translated with the page): the endpoint's field and the query's input. Checked by
  // axe-core in tests/test_accessibility.py.
  var labels = {
    "input.autocomplete": root.getAttribute("data-label-endpoint"),
    ".CodeMirror-code[contenteditable], .CodeMirror textarea": root.getAttribute("data-label-query"),
    "select.tableSizer": root.getAttribute("data-label-rows"),
  };
  function label() {
    Object.keys(labels).forEach(function (selector) {
      root.querySelectorAll(selector).forEach(function (element) {
        if (element.getAttribute("aria-label") !== labels[selector]) {
          element.setAttribute("aria-label", labels[selector]);
        }
      });
    });
  }
  label();
  // The results' controls are drawn after each answer.
  new MutationObserver(label).observe(root, { childList: true, subtree: true });
  // The answer the server gave with the page (the plain form's) makes way for the editor's.
  yasgui.on("query", function () {
    var served = document.getElementById("results");
    if (served) {
      served.hidden = true;
    }
  });
  // The library's queries by name (the picker the page holds hidden, for the editor only): the
  // one chosen replaces the editor's query, as the page of its example link (/sparql?example=…,
  // this server's, the plain form's way) gives it; its summary is shown beside.
  var picker = document.getElementById("library");
  if (picker) {
    var summaries = {};
    document.querySelectorAll("#examples li").forEach(function (item) {
      var link = item.querySelector("a");
      var summary = item.querySelector("span");
      if (link && summary) {
        summaries[link.textContent] = summary.textContent;
      }
    });
    picker.addEventListener("change", function () {
      var chosen = picker.options[picker.selectedIndex];
      var href = chosen ? chosen.getAttribute("data-href") : null;
      document.getElementById("library-summary").textContent = summaries[picker.value] || "";
      if (!href) {
        return;
      }
      fetch(new URL(href, document.baseURI).href, { headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : Promise.reject(response.status);
        })
        .then(function (page) {
          var found = new DOMParser().parseFromString(page, "text/html").querySelector("textarea");
          if (found && chosen === picker.options[picker.selectedIndex]) {
            yasgui.getTab().getYasqe().setValue(found.value);
          }
        })
        .catch(function () {
          picker.value = ""; // the editor keeps its query
        });
    });
    picker.parentNode.hidden = false;
  }
  window.kcYasgui = yasgui; // for the browser tests and the curious
})();
