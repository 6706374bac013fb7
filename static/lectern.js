// lectern's page script. The site reads fully without it; it adds, on every page:
// 1. the theme toggle (the system's, light or dark), remembered across pages;
// 2. `/` to focus the search box, and the search page itself (over the index's
//    small files under search/, fetched from this site as a query needs them);
// 3. previews of mentions, citations, footnotes and cross-references on hover and
//    keyboard focus, from previews.json, fetched once; Escape closes them;
// and on document pages:
// 4. retired paragraph ids landing on the nearest surviving block;
// 5. a "cite" button on every citable block, the block's one tab stop;
// 6. notes in the margin on wide screens, opened in place on narrow ones;
// 7. the words a search found, marked in the paragraph it landed on.
// Every URL it builds starts from the folder this script was loaded from, the
// site's root, so the site works under any sub-path.
(function () {
  "use strict";
  var html = document.documentElement;
  var self = document.currentScript || document.querySelector("script[src$='lectern.js']");
  var root = new URL(".", self ? self.src : location.href).href;
  var wide = window.matchMedia("(min-width: 1180px)");

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // --- 1. Theme ------------------------------------------------------------------
  var THEME_KEY = "lectern-theme";
  var themeNames = { system: "System", light: "Light", dark: "Dark" };
  var themeIcons = { system: "◐", light: "☀", dark: "☾" };
  var theme = html.getAttribute("data-theme") || "system";
  // The toggle works only with the script, which makes it, in the header's tools
  // (a template of an archive's own may still have one, hidden until now).
  var tools = document.querySelector(".site-tools");
  var toggle = document.querySelector(".theme-toggle") || (tools && tools.appendChild(make("button", "theme-toggle")));

  function showTheme() {
    if (!toggle) return;
    toggle.innerHTML = "";
    toggle.appendChild(make("span", "icon", themeIcons[theme])).setAttribute("aria-hidden", "true");
    toggle.appendChild(make("span", "visually-hidden", "Theme: "));
    toggle.appendChild(document.createTextNode(" " + themeNames[theme]));
    toggle.title = "Colour theme: " + themeNames[theme].toLowerCase() + ". Press to change.";
  }
  function setTheme(next) {
    theme = next;
    if (next === "system") html.removeAttribute("data-theme");
    else html.setAttribute("data-theme", next);
    try {
      if (next === "system") localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, next);
    } catch (e) { /* private mode: the choice lasts for this page */ }
    showTheme();
  }
  if (toggle) {
    toggle.type = "button";
    toggle.hidden = false;
    showTheme();
    toggle.addEventListener("click", function () {
      // The first press always changes what the reader sees.
      var dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      var order = dark ? ["system", "light", "dark"] : ["system", "dark", "light"];
      setTheme(order[(order.indexOf(theme) + 1) % order.length]);
    });
  }
  window.addEventListener("storage", function (event) {
    if (event.key !== THEME_KEY) return;
    theme = event.newValue === "light" || event.newValue === "dark" ? event.newValue : "system";
    if (theme === "system") html.removeAttribute("data-theme");
    else html.setAttribute("data-theme", theme);
    showTheme();
  });

  // --- 2. Search ---------------------------------------------------------------------
  // `/` reaches the search page's own box, or else the header's (below); the
  // browser's own suggestions would cover the search page's results.
  var siteBox = document.getElementById("site-q");
  var slashBox = document.getElementById("search-q") || siteBox;
  if (slashBox) slashBox.setAttribute("aria-keyshortcuts", "/");
  if (siteBox) siteBox.autocomplete = "off";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (document.querySelector("dialog[open]")) return;
    if (!slashBox) return;
    event.preventDefault();
    slashBox.focus();
    slashBox.select();
  });

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // Words as the index has them (src/render/search/words.rs): runs of letters and
  // digits, decomposed with their marks dropped, lower-cased, a final sigma as any other.
  function fold(text) { return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/ς/g, "σ"); }
  function words(text) { return fold(text).split(/[^\p{Alphabetic}\p{N}]+/u).filter(Boolean); }
  function folded(text) { return words(text).join(" "); }

  // A pattern matching the searched words (and words they begin), longest first.
  function wordPattern(terms) {
    var unique = terms.filter(function (t, i) { return t.length > 1 && terms.indexOf(t) === i; });
    if (!unique.length) return null;
    unique.sort(function (a, b) { return b.length - a.length; });
    return new RegExp("(" + unique.map(escapeRegExp).join("|") + ")[\\p{L}\\p{N}]*", "giu");
  }

  // `text` as HTML, with every word that `hit` takes (given it folded) marked;
  // and where the first one starts.
  var WORD = /[\p{Alphabetic}\p{N}][\p{Alphabetic}\p{N}\p{M}]*/gu;
  function marked(text, hit) {
    var out = "", last = 0, first = -1, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      if (!hit(fold(m[0]))) continue;
      if (first < 0) first = m.index;
      out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
      last = m.index + m[0].length;
    }
    return { html: out + escapeHtml(text.slice(last)), first: first };
  }

  // About 320 characters of `text` around the words searched, marked.
  function excerpt(text, query, hit) {
    var at = text.toLowerCase().indexOf(query.toLowerCase());
    if (at < 0) at = Math.max(marked(text, hit).first, 0);
    var start = Math.max(0, at - 90);
    var end = Math.min(text.length, at + 230);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > at ? text.lastIndexOf(" ", end) : end;
    return (start > 0 ? "… " : "") + marked(text.slice(start, end), hit).html + (end < text.length ? " …" : "");
  }

  // Whether `a` and `b` are at most `max` edits apart.
  function near(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return false;
    var previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous[j] = j;
    for (i = 1; i <= a.length; i++) {
      var current = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (current[j] < best) best = current[j];
      }
      if (best > max) return false;
      previous = current;
    }
    return previous[b.length] <= max;
  }

  // Code point order, the order the index sorts its words in (UTF-16 order is not).
  function unit(c) { return c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c >= 0xe000 ? c - 0x800 : c; }
  function compare(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) return unit(x) - unit(y);
    }
    return a.length - b.length;
  }

  function varint(reader) {
    var n = 0, scale = 1, b;
    do {
      b = reader.data[reader.at++];
      n += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    return n;
  }

  // A term file (src/render/search/files.rs): its words, each list decoded when asked for.
  function termFile(data) {
    if (data[0] !== 1) throw new Error("unknown term file format " + data[0]);
    var reader = { data: data, at: 1 };
    var count = varint(reader), list = [], entries = new Map(), decoder = new TextDecoder();
    for (var i = 0; i < count; i++) {
      var length = varint(reader);
      var word = decoder.decode(data.subarray(reader.at, reader.at + length));
      reader.at += length;
      list.push({ word: word, count: varint(reader), size: varint(reader) });
    }
    list.forEach(function (entry) {
      entry.at = reader.at;
      reader.at += entry.size;
      entries.set(entry.word, entry);
    });
    return { data: data, list: list, entries: entries };
  }
  // The records holding a word, ascending, and how often it stands in each: the
  // count code is `text << 2 | min(heading, 3)`, and once in the text is the common one.
  var COMMON = 4;
  function postings(file, entry) {
    if (!entry.records) {
      var reader = { data: file.data, at: entry.at }, i, record = -1;
      entry.records = new Uint32Array(entry.count);
      entry.codes = new Uint32Array(entry.count);
      for (i = 0; i < entry.count; i++) entry.records[i] = record += varint(reader) + 1;
      // Counts come as runs of the common one, each but the last followed by another
      // (the filters' entries have none).
      if (entry.word.charAt(0) !== "#") {
        for (i = 0; i < entry.count;) {
          for (var run = varint(reader); run > 0; run--) entry.codes[i++] = COMMON;
          if (i < entry.count) entry.codes[i++] = varint(reader);
        }
      }
    }
    return entry;
  }

  var searchForm = document.querySelector("form.search-form");
  if (searchForm) setUpSearch(searchForm);

  // The search page. The index is a set of small files (src/render/search/mod.rs):
  // the meta file, fetched at once (it fills the filters); for a query, the term
  // files holding its words and the records' lengths; for the results shown, their
  // record files and their documents' pages, which hold the paragraphs' words.
  function setUpSearch(form) {
    var BATCH = 20, K1 = 1.2, B = 0.75, HEADING = 1, PREFIX = 0.4, FUZZY = 0.3, PHRASE = 8;
    var input = form.querySelector("input[type=search]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = make("button", "search-more", "Show more results");
    more.type = "button";
    more.hidden = true;
    list.after(more);
    var base = new URL(form.getAttribute("data-index") || root + "search/", location.href).href;
    var filters = {
      document: form.querySelector("select[name=document]"),
      entity: form.querySelector("select[name=entity]"),
      source: form.querySelector("select[name=source]")
    };
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    if (siteBox) siteBox.value = input.value;

    var files = {};
    // A file of the index, fetched once and read with `read`.
    function load(name, read) {
      if (!files[name]) {
        var url = base + name + (meta ? "?v=" + meta.version : "");
        files[name] = fetch(url, meta ? {} : { cache: "no-cache" }).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + url);
          return response.arrayBuffer();
        }).then(function (buffer) {
          var data = new Uint8Array(buffer);
          // A host may have decompressed it on the way.
          if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
          var stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
          return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
        }).then(read);
        files[name].catch(function () { delete files[name]; });
      }
      return files[name];
    }
    function json(data) { return JSON.parse(new TextDecoder().decode(data)); }
    // A record file (src/render/search/files.rs): each record with its heading
    // (left out when it is the previous one's) and its URL filled in.
    function recordFile(data) {
      var file = json(data), slugs = {}, heading = "";
      file.slugs.forEach(function (pair) { slugs[pair[0]] = pair[1]; });
      return file.records.map(function (r) {
        if (r.h === undefined) r.h = heading;
        else heading = r.h;
        if (r.a !== undefined) r.u = slugs[r.d] + "/#" + r.a;
        return r;
      });
    }
    function bytes(data) { return data; }

    var meta = null;
    var ready = load("meta.json.gz", json).then(function (loaded) {
      if (loaded.format !== 1) throw new Error("unknown index format " + loaded.format);
      loaded.starts = [0];
      loaded.counts.forEach(function (n, d) { loaded.starts.push(loaded.starts[d] + n); });
      fill(filters.document, loaded.documents.map(function (title, d) { return [d, title]; }));
      fill(filters.entity, loaded.entities);
      fill(filters.source, loaded.sources);
      meta = loaded;
      return loaded;
    });
    function fill(select, choices) {
      if (!select) return;
      var options = document.createDocumentFragment();
      choices.forEach(function (choice) {
        var option = make("option", "", choice[1]);
        option.value = String(choice[0]);
        options.appendChild(option);
      });
      select.appendChild(options);
    }
    ready.then(function () {
      Object.keys(filters).forEach(function (name) {
        var select = filters[name];
        if (select && params.get(name)) select.value = params.get(name);
      });
    }, function () {});
    Object.keys(filters).forEach(function (name) {
      if (filters[name]) filters[name].addEventListener("change", run);
    });

    var timer = 0;
    var generation = 0;
    var current = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 160); });
    input.addEventListener("focus", function () {
      ready.then(function () { return load("lengths.bin.gz", bytes); }).catch(function () {});
    }, { once: true });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    more.addEventListener("click", function () {
      if (current) show(current, current.shown, generation);
    });
    if (input.value) run();
    else ready.catch(failed);

    function failed() { status.textContent = "The search index could not be loaded."; }

    function run() {
      // A search run now makes the one the last keystroke scheduled needless; left
      // to fire, it would start the results over under a reader who pressed Enter
      // and then "Show more".
      clearTimeout(timer);
      var mine = ++generation;
      current = null;
      more.hidden = true;
      if (!meta && input.value.trim()) status.textContent = "Loading the index…";
      // The filters' choices come with the index: read them once they are there.
      ready.then(function () {
        if (mine !== generation) return;
        var query = input.value.trim();
        var chosen = {};
        var state = new URLSearchParams();
        if (query) state.set("q", query);
        Object.keys(filters).forEach(function (name) {
          var select = filters[name];
          chosen[name] = select && select.value !== "" ? Number(select.value) : null;
          if (chosen[name] !== null) state.set(name, select.value);
        });
        history.replaceState(null, "", "?" + state.toString() + location.hash);
        if (!query) {
          list.innerHTML = "";
          status.textContent = "Type a few words: results come from every document, entity and source.";
          return;
        }
        return find(query, chosen).then(function (found) {
          if (mine !== generation) return;
          list.innerHTML = "";
          current = found;
          return show(found, 0, mine);
        });
      }).catch(function () { if (mine === generation) failed(); });
    }

    // The term file that holds `word`, if the index has it.
    function fileOf(word) {
      var low = 0, high = meta.terms.length - 1;
      while (low < high) {
        var middle = (low + high + 1) >> 1;
        if (compare(meta.terms[middle], word) <= 0) low = middle;
        else high = middle - 1;
      }
      return low;
    }

    // Every record matching `query` within the filters, best first: those holding
    // every word (the last one as typed so far, so any word it begins; the longer
    // ones also within a few letters), else those holding any.
    function find(query, chosen) {
      var terms = words(query).filter(function (t, i, all) { return all.indexOf(t) === i; });
      var last = terms.length - 1;
      var wanted = {};
      terms.forEach(function (term, i) {
        wanted[fileOf(term)] = true;
        if (i === last && term.length > 2) {
          for (var f = fileOf(term); f <= fileOf(term + "\u{10FFFF}"); f++) wanted[f] = true;
        }
      });
      var only = [];
      if (chosen.entity !== null) only.push("#e" + chosen.entity);
      if (chosen.source !== null) only.push("#s" + chosen.source);
      only.forEach(function (word) { wanted[fileOf(word)] = true; });
      var names = Object.keys(wanted);
      return Promise.all([load("lengths.bin.gz", bytes)].concat(names.map(function (f) {
        return load("terms/" + f + ".bin.gz", termFile);
      }))).then(function (loaded) {
        var lengths = loaded[0];
        var byFile = {};
        names.forEach(function (f, i) { byFile[f] = loaded[i + 1]; });
        var entry = function (word) {
          var file = byFile[fileOf(word)];
          var found = file && file.entries.get(word);
          return found ? postings(file, found) : null;
        };
        var matched = [];
        var expansions = terms.map(function (term, i) {
          var found = [], seen = {};
          var add = function (file, e, weight) {
            if (seen[e.word] || e.word.charAt(0) === "#") return;
            seen[e.word] = true;
            matched.push(e.word);
            found.push([postings(file, e), weight]);
          };
          var file = byFile[fileOf(term)];
          var exact = file.entries.get(term);
          if (exact) add(file, exact, 1);
          if (i === last && term.length > 2) {
            for (var f = fileOf(term); f <= fileOf(term + "\u{10FFFF}"); f++) {
              byFile[f].list.forEach(function (e) { if (e.word.lastIndexOf(term, 0) === 0) add(byFile[f], e, PREFIX); });
            }
          }
          if (term.length > 4) {
            var max = Math.floor(term.length * 0.2);
            file.list.forEach(function (e) { if (!seen[e.word] && near(term, e.word, max)) add(file, e, FUZZY); });
          }
          return found;
        });
        var sets = only.map(function (word) { var e = entry(word); return new Set(e ? e.records : []); });
        var starts = meta.starts, d = chosen.document;
        var allowed = function (r) {
          if (d !== null && (r < starts[d] || r >= starts[d + 1])) return false;
          return sets.every(function (set) { return set.has(r); });
        };
        var scores = new Map(), n = meta.records, average = meta.average || 1;
        expansions.forEach(function (found, q) {
          found.forEach(function (pair) {
            var e = pair[0];
            var weight = pair[1] * Math.log(1 + (n - e.count + 0.5) / (e.count + 0.5));
            for (var j = 0; j < e.count; j++) {
              var r = e.records[j], code = e.codes[j], tf = code >> 2;
              var length = Math.pow(2, lengths[r + 1] / 2) - 1;
              var score = weight * ((tf ? tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average)) : 0) + (code & 3 ? HEADING : 0));
              var hit = scores.get(r);
              if (!hit) scores.set(r, hit = { id: r, per: new Array(terms.length).fill(0) });
              if (score > hit.per[q]) hit.per[q] = score;
            }
          });
        });
        var all = [], every = [];
        scores.forEach(function (hit) {
          if (!allowed(hit.id)) return;
          var held = 0;
          hit.score = 0;
          hit.per.forEach(function (s) { if (s > 0) { held++; hit.score += s; } });
          all.push(hit);
          if (held === terms.length) every.push(hit);
        });
        var results = every.length ? every : all;
        results.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
        var prefix = terms[last] || "";
        return {
          query: query,
          results: results,
          shown: 0,
          hit: function (word) {
            return word.length > 1 && (matched.indexOf(word) >= 0 || (prefix.length > 2 && word.lastIndexOf(prefix, 0) === 0));
          }
        };
      });
    }

    // What a result shows: its record, and its words (a document's from its page).
    var pages = {};
    function details(id) {
      var chunk = Math.floor(id / meta.chunk);
      return load("records/" + chunk + ".json.gz", recordFile).then(function (records) {
        var record = records[id - chunk * meta.chunk];
        if (record.t !== undefined) return { record: record, text: record.t };
        var split = record.u.indexOf("#");
        var page = record.u.slice(0, split);
        if (!pages[page]) {
          pages[page] = fetch(root + page).then(function (response) {
            if (!response.ok) throw new Error(response.status + " " + page);
            return response.text();
          }).then(function (text) { return new DOMParser().parseFromString(text, "text/html"); });
        }
        return pages[page].then(function (doc) {
          var block = doc.getElementById(decodeURIComponent(record.u.slice(split + 1)));
          return { record: record, text: block ? readingText(block) : "" };
        }, function () { return { record: record, text: "" }; });
      });
    }

    // Shows the next results of `found` from `from`: among them, those holding the
    // very words searched, in order, come first.
    function show(found, from, mine) {
      var batch = found.results.slice(from, from + BATCH);
      more.hidden = true;
      return Promise.all(batch.map(function (hit) { return details(hit.id); })).then(function (shown) {
        if (mine !== generation) return;
        var phrase = folded(found.query);
        var order = shown.map(function (s, i) {
          var boost = phrase.indexOf(" ") > 0 && folded(s.text).indexOf(phrase) !== -1 ? PHRASE : 1;
          return { s: s, score: batch[i].score * boost, i: i };
        });
        order.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
        var firstLink = null;
        order.forEach(function (o) {
          var r = o.s.record;
          var item = make("li");
          var where = make("span", "where");
          var title = make("span", "result-title");
          if (r.k === "entity" || r.k === "source") {
            where.textContent = r.k === "entity" ? "Person, organisation or place" : "Source";
            title.textContent = r.h;
          } else {
            where.textContent = meta.documents[r.d] + (r.h ? " · " + r.h : "");
            title.textContent = r.k === "note" ? "Note " + r.n : r.n ? "¶ " + r.n : "Section";
          }
          var split = r.u.indexOf("#");
          var link = make("a");
          link.href = split < 0 ? root + r.u
            : root + r.u.slice(0, split) + "?hl=" + encodeURIComponent(found.query) + r.u.slice(split);
          link.appendChild(title);
          item.appendChild(where);
          item.appendChild(link);
          var text = make("p");
          text.innerHTML = excerpt(o.s.text, found.query, found.hit);
          item.appendChild(text);
          list.appendChild(item);
          firstLink = firstLink || link;
        });
        found.shown = from + batch.length;
        var count = found.results.length;
        status.textContent = count === 0 ? "Nothing found for “" + found.query + "”."
          : count + (count === 1 ? " result" : " results") + " for “" + found.query + "”" +
            (count > found.shown ? ", the first " + found.shown + " shown." : ".");
        more.hidden = count <= found.shown;
        if (from > 0 && firstLink) firstLink.focus();
      });
    }
  }

  // --- 3. Previews -----------------------------------------------------------------
  var TRIGGERS = "a.mention, a.cite, a.xref, a[role=doc-noteref]";
  var kindNames = { person: "Person", organization: "Organisation", place: "Place", event: "Event", work: "Work" };
  var records = null;
  var tip = null;
  var current = null;
  var dismissed = null;
  var showTimer = 0;
  var hideTimer = 0;

  function previewData() {
    if (!records) {
      records = fetch(root + "previews.json")
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; });
    }
    return records;
  }

  function card(kind, title, body, href, more) {
    var box = document.createDocumentFragment();
    if (kind) box.appendChild(make("p", "pv-kind", kind));
    if (title) box.appendChild(make("p", "pv-title", title));
    if (body) box.appendChild(body);
    if (href) {
      var onward = make("p", "pv-more");
      var link = make("a", "", more);
      link.href = href;
      link.tabIndex = -1;
      onward.appendChild(link);
      box.appendChild(onward);
    }
    return box;
  }
  function paragraph(text) { return make("p", "", text); }
  // What a link leads to, from the site's root: ["entities", "cia"] for
  // "../entities/cia/", with the fragment apart. Marks carry no ids of their own:
  // their links say where they go.
  function linkPath(trigger) {
    var url = new URL(trigger.href, location.href);
    var path = url.href.split(/[?#]/)[0];
    if (path.indexOf(root) !== 0) return null;
    var parts = path.slice(root.length).split("/").filter(Boolean).map(function (p) {
      try { return decodeURIComponent(p); } catch (e) { return p; }
    });
    var hash = url.hash.slice(1);
    try { hash = decodeURIComponent(hash); } catch (e) { /* as written */ }
    return { parts: parts, hash: hash };
  }
  function own(map, key) {
    return map && key && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : null;
  }
  // The last folder of a link to an entity's or a source's page: its id or key.
  function linkedId(trigger, folder) {
    var to = linkPath(trigger);
    return to && to.parts.length === 2 && to.parts[0] === folder ? to.parts[1] : null;
  }
  function clip(text, length) {
    if (text.length <= length) return text;
    var cut = text.lastIndexOf(" ", length);
    return text.slice(0, cut > 0 ? cut : length) + "…";
  }
  // An element's reading text, without the tools and notes added to it.
  function readingText(element) {
    var clone = element.cloneNode(true);
    clone.querySelectorAll(".pilcrow, .cite-button, .ed-ref, .ed-note, .sidenote, [role=doc-noteref], [role=doc-backlink]").forEach(function (n) { n.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function footnoteCard(trigger) {
    var note = document.getElementById(decodeURIComponent(trigger.hash.slice(1)));
    if (!note) return null;
    var body = make("div");
    note.childNodes.forEach(function (child) { body.appendChild(child.cloneNode(true)); });
    body.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
    body.querySelectorAll("a").forEach(function (a) { a.tabIndex = -1; });
    return card("Note", "Note " + trigger.textContent.trim(), body, trigger.href, "Go to the note");
  }

  function blockCard(trigger, data) {
    var href = trigger.getAttribute("href") || "";
    if (href.charAt(0) === "#") {
      var target = document.getElementById(decodeURIComponent(href.slice(1)));
      if (!target) return null;
      var heading = /^H[1-6]$/.test(target.tagName) ? readingText(target) : null;
      var block = target;
      if (heading) {
        block = target.nextElementSibling;
        while (block && !/^(P|LI|BLOCKQUOTE|UL|OL|DIV)$/.test(block.tagName)) block = block.nextElementSibling;
      }
      var n = target.getAttribute("data-n");
      return card(heading ? "Section" : n ? "¶ " + n : "Passage", heading, block ? paragraph(clip(readingText(block), 320)) : null, trigger.href, "Go there");
    }
    var to = linkPath(trigger);
    var record = to && to.parts.length === 1 && own(data.blocks, to.parts[0] + "#" + to.hash);
    if (!record) return null;
    var kind = record.document + (record.number ? " · ¶ " + record.number : "");
    return card(kind, record.heading || null, paragraph(record.text), trigger.href, "Go there");
  }

  function content(trigger, data) {
    if (trigger.classList.contains("mention")) {
      var id = linkedId(trigger, "entities");
      var entity = own(data.entities, id);
      if (!entity) return null;
      return card(kindNames[entity.kind] || entity.kind, entity.name, entity.summary ? paragraph(entity.summary) : null, trigger.href, "All about " + entity.name);
    }
    if (trigger.classList.contains("cite")) {
      var key = linkedId(trigger, "sources");
      var source = own(data.sources, key);
      if (!source) return null;
      var body = make("div");
      var reference = make("p");
      reference.innerHTML = source.reference;
      body.appendChild(reference);
      // Only a citation in the editor's own words carries its locator; in a
      // printed group the locator stands beside the link.
      var locator = trigger.getAttribute("data-locator");
      if (locator) body.appendChild(make("p", "", "Cited at " + locator + "."));
      return card("Source · " + source.kind, source.label, body, trigger.href, "The source and every place citing it");
    }
    if (trigger.matches("[role=doc-noteref]")) return footnoteCard(trigger);
    return blockCard(trigger, data);
  }

  function eligible(trigger) {
    if (!trigger || trigger.closest(".preview")) return false;
    // Beside a margin note its preview would only repeat it.
    if (trigger.matches("[role=doc-noteref]") && wide.matches && html.classList.contains("notes")) return false;
    return true;
  }

  function place(trigger) {
    var rect = trigger.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.min(Math.max(8, rect.left), document.documentElement.clientWidth - width - 8);
    var below = rect.bottom + 6;
    var top = below + tip.offsetHeight > window.innerHeight && rect.top - tip.offsetHeight - 6 > 0
      ? rect.top - tip.offsetHeight - 6 : below;
    tip.style.left = Math.max(0, left + window.scrollX) + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(trigger) {
    clearTimeout(hideTimer);
    if (trigger === current && !tip.hidden) return;
    previewData().then(function (data) {
      if (!pending(trigger)) return;
      var body = content(trigger, data);
      if (!body) return;
      hide();
      tip.innerHTML = "";
      tip.appendChild(body);
      tip.hidden = false;
      current = trigger;
      trigger.setAttribute("aria-describedby", tip.id);
      place(trigger);
    });
  }
  var wanted = null;
  function pending(trigger) { return wanted === trigger; }
  function hide() {
    if (!tip || tip.hidden) return;
    tip.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }
  function hideSoon() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { wanted = null; hide(); }, 250);
  }

  if (document.querySelector(TRIGGERS)) {
    tip = make("div", "preview");
    tip.id = "lectern-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
    document.addEventListener("mouseover", function (event) {
      if (tip.contains(event.target)) { clearTimeout(hideTimer); return; }
      var trigger = event.target.closest(TRIGGERS);
      if (!eligible(trigger) || trigger === dismissed) return;
      clearTimeout(showTimer);
      clearTimeout(hideTimer);
      wanted = trigger;
      showTimer = setTimeout(function () { show(trigger); }, 300);
    });
    document.addEventListener("mouseout", function (event) {
      var trigger = event.target.closest(TRIGGERS);
      var into = event.relatedTarget;
      if (trigger && trigger === dismissed && (!into || !trigger.contains(into))) dismissed = null;
      if (!trigger && !tip.contains(event.target)) return;
      if (into && (tip.contains(into) || (current && current.contains(into)) || (trigger && trigger.contains(into)))) return;
      hideSoon();
    });
    document.addEventListener("focusin", function (event) {
      var trigger = event.target.closest && event.target.closest(TRIGGERS);
      if (!eligible(trigger)) return;
      clearTimeout(showTimer);
      wanted = trigger;
      show(trigger);
    });
    document.addEventListener("focusout", function (event) {
      if (event.target === current || event.target === wanted) { wanted = null; hide(); }
    });
    window.addEventListener("resize", hide);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (tip && !tip.hidden) {
      dismissed = current;
      wanted = null;
      hide();
      return;
    }
    closeOpenNotes();
  });

  // --- Document pages ----------------------------------------------------------------
  // What citing needs comes from the page's schema.org metadata (the same the
  // reference managers read), the retired ids from `#lectern-redirects`, there
  // when the document has any.
  function documentData() {
    var ld = document.querySelector("script[type='application/ld+json']");
    if (!ld) return null;
    var moved = document.getElementById("lectern-redirects");
    try {
      var meta = JSON.parse(ld.textContent);
      return {
        title: meta.headline,
        authors: (meta.author || []).map(function (a) { return a.name; }),
        publication: meta.publisher && meta.publisher.name,
        date: meta.datePublished,
        url: meta.url,
        site: meta.isPartOf ? meta.isPartOf.name : "",
        // A title the editor supplied is cited as it stands, "[…]", and noted.
        supplied: !!document.querySelector(".cite-document[data-title-supplied]"),
        slug: meta.url.replace(/\/+$/, "").split("/").pop(),
        redirects: moved ? JSON.parse(moved.textContent) : {}
      };
    } catch (e) { return null; }
  }
  var doc = documentData();
  var docBody = document.querySelector(".doc-body");
  var inPlace = [];

  function closeOpenNotes() {
    inPlace.forEach(function (pair) {
      if (pair[1].classList.contains("open")) toggleNote(pair[0], pair[1]);
    });
  }

  // --- 4. Retired ids ----------------------------------------------------------------
  function resolve(id) {
    var seen = {};
    while (id && !document.getElementById(id) && doc.redirects[id] !== undefined && !seen[id]) {
      seen[id] = true;
      id = doc.redirects[id];
    }
    return id && document.getElementById(id) ? id : null;
  }

  function notice(from, to) {
    var box = make("p", "moved-notice");
    box.setAttribute("role", "status");
    box.textContent = to
      ? "The passage you linked to (#" + from + ") was changed or removed. You are at the nearest passage that remains."
      : "The passage you linked to (#" + from + ") no longer exists.";
    var main = document.getElementById("main");
    main.insertBefore(box, main.firstChild);
  }

  function hashId() {
    var hash = location.hash.slice(1);
    // Never touch text fragments (`#:~:text=`): the browser handles them.
    if (!hash || hash.indexOf(":~:") !== -1) return null;
    try { return decodeURIComponent(hash); } catch (e) { return null; }
  }

  function followRedirect() {
    var id = hashId();
    if (!id || !doc || document.getElementById(id) || doc.redirects[id] === undefined) return;
    var target = resolve(id);
    notice(id, target);
    if (target) {
      history.replaceState(null, "", location.search + "#" + target);
      var element = document.getElementById(target);
      element.scrollIntoView();
      element.classList.add("arrived");
    }
  }

  // --- 5. Cite -----------------------------------------------------------------------
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function firstWords(element, count) {
    return readingText(element).split(/\s+/).slice(0, count).join(" ");
  }

  // The ways to cite `block`, or with no block the whole document.
  function formats(block) {
    var n = block && block.getAttribute("data-n");
    var where = !block ? "" : n ? "¶ " + n : "section “" + firstWords(block, 8) + "”";
    var url = block ? doc.url + "#" + block.id : doc.url;
    var key = block ? doc.slug + "-" + block.id : doc.slug;
    var fragment = block && url + ":~:text=" + encodeURIComponent(firstWords(block, 5)).replace(/-/g, "%2D");
    var authors = doc.authors.join(", ");
    var accessed = today();
    var title = doc.supplied ? doc.title + ". " : "“" + doc.title + ".” ";
    var note = doc.supplied ? "Title supplied by the editor" : "";
    // BibTeX's braces group; a value's own braces would unbalance them.
    function field(name, value) { return "  " + name + " = {" + String(value).replace(/[{}]/g, "") + "}"; }
    var text = (authors ? authors + ". " : "") + title +
      (doc.publication ? doc.publication + ". " : "") + (doc.date ? doc.date + ". " : "") +
      "In " + doc.site + (where ? ", " + where : "") + ". " + url + " (accessed " + accessed + ").";
    var bib = "@article{" + key + ",\n" + [
      authors && field("author", doc.authors.join(" and ")),
      field("title", doc.title),
      doc.publication && field("journal", doc.publication),
      doc.date && field("date", doc.date),
      field("howpublished", doc.site + (where ? ", " + where : "")),
      field("url", url),
      field("urldate", accessed),
      note && field("note", note)
    ].filter(Boolean).join(",\n") + "\n}";
    var csl = {
      id: key,
      type: "article",
      title: doc.title,
      author: doc.authors.map(function (a) { return { literal: a }; }),
      "container-title": doc.publication || doc.site,
      URL: url,
      locator: n || undefined,
      label: n ? "paragraph" : undefined,
      accessed: { "date-parts": [accessed.split("-").map(Number)] },
      note: note || undefined
    };
    if (doc.date) csl.issued = { "date-parts": [doc.date.split("-").map(Number)] };
    return [
      ["Permalink", url],
      ["Link that survives edits", fragment],
      ["Citation", text],
      ["BibTeX", bib],
      ["CSL-JSON", JSON.stringify(csl, null, 2)]
    ].filter(function (pair) { return pair[1]; });
  }

  function copy(text, what, status) {
    function done() {
      status.textContent = what + " copied.";
      setTimeout(function () { status.textContent = ""; }, 2500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selectable */ }
      area.remove();
    }
  }

  var dialog = null;
  function openCite(block, opener) {
    if (!dialog) {
      dialog = make("dialog", "cite-dialog");
      dialog.setAttribute("aria-labelledby", "cite-dialog-title");
      document.body.appendChild(dialog);
    }
    dialog.innerHTML = "";
    var n = block && block.getAttribute("data-n");
    var title = make("h2", "", !block ? "Cite this document" : n ? "Cite paragraph " + n : "Cite this section");
    title.id = "cite-dialog-title";
    dialog.appendChild(title);
    if (block) {
      var link = make("a", "", n ? "Link to paragraph " + n : "Link to this section");
      link.href = "#" + block.id;
      link.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(make("p")).appendChild(link);
    }
    var status = make("p", "cite-copied");
    status.setAttribute("role", "status");
    formats(block).forEach(function (pair) {
      var box = make("pre", "", pair[1]);
      box.tabIndex = 0;
      box.setAttribute("aria-label", pair[0]);
      var button = make("button", "", "Copy");
      button.type = "button";
      button.setAttribute("aria-label", "Copy " + pair[0]);
      button.addEventListener("click", function () { copy(pair[1], pair[0], status); });
      dialog.appendChild(make("p", "cite-label", pair[0]));
      dialog.appendChild(box);
      dialog.appendChild(button);
    });
    dialog.appendChild(status);
    var close = make("button", "cite-close", "Close");
    close.type = "button";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    dialog.addEventListener("close", function () { opener.focus(); }, { once: true });
    dialog.showModal();
  }

  // --- 6. Notes ------------------------------------------------------------------------
  function flash(note) {
    note.classList.remove("note-flash");
    void note.offsetWidth;
    note.classList.add("note-flash");
  }

  function toggleNote(control, note) {
    var open = note.classList.toggle("open");
    control.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function noteControl(control, note) {
    control.setAttribute("aria-controls", note.id);
    control.addEventListener("click", function (event) {
      event.preventDefault();
      // The note itself is opening: no preview of it on top.
      clearTimeout(showTimer);
      wanted = null;
      dismissed = control;
      hide();
      if (wide.matches) flash(note);
      else toggleNote(control, note);
    });
    inPlace.push([control, note]);
  }

  // A copy of footnote `note` to stand beside its reference: paragraphs become
  // spans (a note sits inside a paragraph), ids and back-links go.
  function sidenoteOf(note, number, id) {
    var side = make("span", "sidenote");
    side.id = id;
    side.setAttribute("role", "note");
    side.setAttribute("aria-label", "Note " + number);
    side.appendChild(make("span", "sn-num", number));
    note.childNodes.forEach(function (child) {
      var copy = child.cloneNode(true);
      if (copy.nodeName === "P") {
        var span = make("span", "sn-p");
        while (copy.firstChild) span.appendChild(copy.firstChild);
        copy = span;
      }
      side.appendChild(copy);
    });
    side.querySelectorAll("[role=doc-backlink]").forEach(function (n) { n.remove(); });
    side.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
    return side;
  }

  function setUpNotes(body) {
    body.querySelectorAll(".ed-note[id]").forEach(function (note) {
      var button = make("button", "ed-ref");
      button.type = "button";
      button.appendChild(make("span", "", "ed.")).setAttribute("aria-hidden", "true");
      button.appendChild(make("span", "visually-hidden", "Editor’s note"));
      note.before(button);
      noteControl(button, note);
    });
    body.querySelectorAll("a[role=doc-noteref][href*='#']").forEach(function (ref) {
      var note = document.getElementById(decodeURIComponent(ref.hash.slice(1)));
      if (!note || !ref.id) return;
      var side = sidenoteOf(note, ref.textContent.trim(), "sn-" + ref.id);
      var sup = ref.closest("sup") || ref;
      // A note floats out of a paragraph, but not out of a scrolling table.
      var clipped = sup.closest(".table, table, pre");
      if (clipped) clipped.after(side);
      else sup.after(side);
      noteControl(ref, side);
    });
    function sync() {
      inPlace.forEach(function (pair) {
        if (wide.matches) {
          pair[0].removeAttribute("aria-expanded");
          pair[1].classList.remove("open");
        } else {
          pair[0].setAttribute("aria-expanded", pair[1].classList.contains("open") ? "true" : "false");
        }
      });
    }
    if (wide.addEventListener) wide.addEventListener("change", sync);
    sync();
    html.classList.add("notes");
  }

  // Arriving at an editor's note folded away on a narrow screen opens it.
  function revealTarget() {
    var id = hashId();
    var target = id && document.getElementById(id);
    if (!target || wide.matches) return;
    inPlace.forEach(function (pair) {
      if (pair[1] === target && !target.classList.contains("open")) toggleNote(pair[0], target);
    });
  }

  // --- 7. What the search found -----------------------------------------------------------
  function markFound(target, query) {
    var phrase = query.trim();
    var pattern = wordPattern(words(phrase).filter(function (w) { return w.length > 2; }));
    var exact = new RegExp(escapeRegExp(phrase).replace(/\s+/g, "\\s+"), "iu");
    var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest(".pilcrow, .cite-button, .ed-ref, .visually-hidden, .sidenote, script")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var useExact = exact.test(target.textContent);
    nodes.forEach(function (node) {
      var re = useExact ? new RegExp(exact.source, "giu") : pattern;
      if (!re) return;
      var text = node.nodeValue;
      var parts = [];
      var last = 0;
      re.lastIndex = 0;
      var m;
      while ((m = re.exec(text)) !== null) {
        if (!m[0].length) { re.lastIndex++; continue; }
        parts.push(document.createTextNode(text.slice(last, m.index)));
        parts.push(make("mark", "search-hit", m[0]));
        last = m.index + m[0].length;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      var fragment = document.createDocumentFragment();
      parts.forEach(function (p) { fragment.appendChild(p); });
      node.replaceWith(fragment);
    });
  }

  if (docBody && doc) {
    window.addEventListener("hashchange", function () { followRedirect(); revealTarget(); });
    followRedirect();

    // Every citable block gets its ¶ link and cite button here: the page carries
    // only the ids (numbered blocks and headings), which is all a citation needs.
    docBody.querySelectorAll("[data-n], :is(h2, h3, h4, h5, h6)[id]").forEach(function (block) {
      var n = block.getAttribute("data-n");
      var pilcrow = make("a", "pilcrow");
      pilcrow.href = "#" + block.id;
      pilcrow.setAttribute("aria-label", n ? "Paragraph " + n : "Link to this section");
      // One tab stop per block: the button, whose dialog has the permalink too.
      pilcrow.tabIndex = -1;
      var button = make("button", "cite-button", "cite");
      button.type = "button";
      button.setAttribute("aria-label", n ? "Cite paragraph " + n : "Cite this section");
      button.addEventListener("click", function () { openCite(block, button); });
      block.append(pilcrow, button);
    });
    // The document's own BibTeX and CSL-JSON, from the same data; and how to cite
    // a paragraph, which only the ¶ marks and buttons added here make possible.
    var citeDocument = document.querySelector(".cite-document");
    if (citeDocument) {
      citeDocument.appendChild(make("p", "", "Every paragraph has its own permanent link: follow its ¶ mark, or use its “cite” button."));
      var whole = make("button", "cite-document-button", "BibTeX, CSL-JSON…");
      whole.type = "button";
      whole.setAttribute("aria-label", "Cite this document: BibTeX, CSL-JSON");
      whole.addEventListener("click", function () { openCite(null, whole); });
      citeDocument.appendChild(make("p")).appendChild(whole);
    }
  }
  if (docBody) {
    setUpNotes(docBody);
    revealTarget();
    var found = new URLSearchParams(location.search).get("hl");
    var landed = hashId() && document.getElementById(hashId());
    if (found && landed) {
      markFound(landed, found);
      landed.scrollIntoView({ block: "center" });
      // The address to share is the paragraph's own, without the words searched.
      history.replaceState(null, "", location.pathname + location.hash);
    }
  }

  // --- 8. Timeline filter -------------------------------------------------------------
  // The filter needs the script; without it the timeline is one page, and each
  // entity page has its own.
  var filter = document.querySelector("form.timeline-filter");
  if (filter) {
    var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline > li[data-document]"));
    var fill = function (select, values) {
      Object.keys(values).sort(function (a, b) { return values[a].localeCompare(values[b]); }).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = values[value];
        select.appendChild(option);
      });
    };
    var documents = {}, entities = {};
    entries.forEach(function (li) {
      var from = li.querySelector(".from a");
      if (from) documents[li.dataset.document] = from.textContent;
      li.querySelectorAll(".entry-entities a").forEach(function (a, i) {
        var id = li.dataset.entities.trim().split(/\s+/)[i];
        if (id) entities[id] = a.textContent;
      });
    });
    fill(filter.elements.document, documents);
    fill(filter.elements.entity, entities);
    var apply = function () {
      var wantDoc = filter.elements.document.value, wantEntity = filter.elements.entity.value, shown = 0;
      entries.forEach(function (li) {
        var show = (!wantDoc || li.dataset.document === wantDoc) &&
          (!wantEntity || (" " + li.dataset.entities + " ").indexOf(" " + wantEntity + " ") >= 0);
        li.hidden = !show;
        if (show) shown += 1;
      });
      document.querySelectorAll("section.year").forEach(function (year) {
        year.hidden = !year.querySelector(".timeline > li:not([hidden])");
      });
      filter.querySelector("output").textContent = shown + " of " + entries.length + " entries";
    };
    // `?entity=…` and `?document=…` choose the filter, so an entity page can
    // link to its whole timeline and a filtered view can be shared.
    var params = new URLSearchParams(location.search);
    ["document", "entity"].forEach(function (name) {
      var select = filter.elements[name], want = params.get(name);
      if (want && Array.prototype.some.call(select.options, function (o) { return o.value === want; })) select.value = want;
    });
    filter.addEventListener("change", function () {
      var state = new URLSearchParams();
      ["document", "entity"].forEach(function (name) {
        if (filter.elements[name].value) state.set(name, filter.elements[name].value);
      });
      var query = state.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      apply();
    });
    filter.hidden = false;
    apply();
  }
})();
