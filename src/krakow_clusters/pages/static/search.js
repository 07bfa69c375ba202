// The search of the static site (release/site.py writes it beside the pages): the page's
// search-index.js, loaded before this script, sets self.searchIndex: every resource's names, folded by the one folding of rdf/names.py, and
// the table of letters that NFKD does not take apart; what a visitor types is folded the same way
// here (NFKD, marks dropped, the table, lower case, words of letters and digits) and a name
// matches when each word typed is a word of it or the start of one, in any order. A name equal
// to what was typed (an acronym such as "AGH" among them) comes first. The results are written
// with the DOM (text, never HTML), so a name cannot inject anything; no inline script, nothing
// from another host (the pages' Content-Security-Policy allows 'self' only).
"use strict";

(function () {
  const results = document.getElementById("search-results");
  if (!results) {
    return;
  }
  const query = new URLSearchParams(window.location.search).get("q") || "";
  const box = document.getElementById("search-q");
  if (box) {
    box.value = query;
  }
  if (!query.trim()) {
    return;
  }

  function fold(text, folds) {
    let out = "";
    for (const c of text) {
      out += Object.prototype.hasOwnProperty.call(folds, c) ? folds[c] : c;
    }
    out = out.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return out.match(/[\p{L}\p{N}]+/gu) || [];
  }

  // The share of the name's letters that the typed words stand for, or 0 when a typed word
  // stands for none of its words (each name word serves one typed word).
  function covers(typed, nameWords) {
    const left = nameWords.slice();
    let covered = 0;
    for (const word of typed) {
      let best = -1;
      for (let i = 0; i < left.length; i++) {
        if (left[i] === word) {
          best = i;
          break;
        }
        if (best < 0 && left[i].startsWith(word)) {
          best = i;
        }
      }
      if (best < 0) {
        return 0;
      }
      covered += word.length;
      left.splice(best, 1);
    }
    const total = nameWords.reduce((n, w) => n + w.length, 0);
    return total ? covered / total : 0;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_m, key) => values[key]);
  }

  function show(index) {
    const typed = fold(query, index.folds);
    const joined = typed.join(" ");
    const found = [];
    for (const resource of index.resources) {
      let best = null;
      for (const [folded, text] of resource.names) {
        const score = folded === joined ? 2 : covers(typed, folded.split(" "));
        if (score > 0 && (best === null || score > best.score)) {
          best = { score: score, name: text };
        }
      }
      if (best !== null) {
        found.push({ resource: resource, score: best.score, name: best.name });
      }
    }
    found.sort((a, b) => b.score - a.score || a.resource.label.localeCompare(b.resource.label));
    const summary = document.createElement("p");
    summary.id = "search-summary";
    results.appendChild(summary);
    if (!found.length) {
      summary.textContent = format(results.dataset.none, { q: query });
      return;
    }
    summary.textContent = format(results.dataset.results, { q: query, n: found.length });
    const list = document.createElement("ol");
    list.className = "search-results";
    for (const hit of found.slice(0, 50)) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.resource.href;
      link.textContent = hit.resource.label;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = hit.resource.kind;
      item.append(link, " ", kind);
      if (hit.name !== hit.resource.label) {
        const matched = document.createElement("span");
        matched.className = "matched";
        matched.textContent = results.dataset.matched + " " + hit.name;
        item.append(document.createElement("br"), matched);
      }
      if (hit.resource.snippet) {
        const snippet = document.createElement("p");
        snippet.className = "snippet";
        snippet.textContent = hit.resource.snippet;
        item.append(snippet);
      }
      list.appendChild(item);
    }
    results.appendChild(list);
  }

  // A script, not a JSON file to fetch, so that the pages work opened from disk (file://).
  if (self.searchIndex) {
    show(self.searchIndex);
  } else {
    const failed = document.createElement("p");
    failed.textContent = results.dataset.failed;
    results.appendChild(failed);
  }
})();
