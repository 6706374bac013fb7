// lectern's page script. The site reads fully without it; it adds, on every page:
// 1. the theme toggle (the system's, light or dark), remembered across pages;
// 2. `/` to focus the search box, and the search page itself (MiniSearch over
//    search.json, both fetched from this site only when a reader searches);
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
  var toggle = document.querySelector(".theme-toggle");

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
    showTheme();
    toggle.hidden = false;
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
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (document.querySelector("dialog[open]")) return;
    var box = document.getElementById("search-q") || document.getElementById("site-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function words(text) { return text.toLowerCase().split(/[\s\p{P}\p{S}]+/u).filter(Boolean); }
  function folded(text) { return words(text).join(" "); }

  // A pattern matching the searched words (and words they begin), longest first.
  function wordPattern(terms) {
    var unique = terms.filter(function (t, i) { return t.length > 1 && terms.indexOf(t) === i; });
    if (!unique.length) return null;
    unique.sort(function (a, b) { return b.length - a.length; });
    return new RegExp("(" + unique.map(escapeRegExp).join("|") + ")[\\p{L}\\p{N}]*", "giu");
  }

  function excerpt(text, query, pattern) {
    var at = text.toLowerCase().indexOf(query.toLowerCase());
    if (at < 0 && pattern) {
      pattern.lastIndex = 0;
      var found = pattern.exec(text);
      at = found ? found.index : 0;
    }
    at = Math.max(at, 0);
    var start = Math.max(0, at - 90);
    var end = Math.min(text.length, at + 230);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > at ? text.lastIndexOf(" ", end) : end;
    var shown = escapeHtml(text.slice(start, end));
    if (pattern) shown = shown.replace(pattern, "<mark>$&</mark>");
    return (start > 0 ? "… " : "") + shown + (end < text.length ? " …" : "");
  }

  var searchForm = document.querySelector("form.search-form");
  if (searchForm) setUpSearch(searchForm);

  function setUpSearch(form) {
    var input = form.querySelector("input[type=search]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var filters = {
      document: form.querySelector("select[name=document]"),
      entity: form.querySelector("select[name=entity]"),
      source: form.querySelector("select[name=source]")
    };
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    var header = document.getElementById("site-q");
    if (header) header.value = input.value;
    Object.keys(filters).forEach(function (name) {
      var select = filters[name];
      if (select && params.get(name)) select.value = params.get(name);
      if (select) select.addEventListener("change", run);
    });
    var ready = null;
    function load() {
      if (!ready) {
        status.textContent = "Loading the index…";
        ready = Promise.all([
          window.MiniSearch ? null : loadScript(root + "minisearch.min.js"),
          fetch(root + "search.json").then(function (r) { return r.json(); })
        ]).then(function (loaded) {
          var index = loaded[1];
          var engine = new window.MiniSearch({ fields: ["h", "t"], storeFields: [] });
          engine.addAll(index.records.map(function (r, id) { return { id: id, h: r.h || "", t: r.t }; }));
          return { engine: engine, index: index };
        });
      }
      return ready;
    }
    var timer = 0;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 160); });
    input.addEventListener("focus", load, { once: true });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    if (input.value) run();

    function run() {
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
      load().then(function (loaded) {
        if (input.value.trim() !== query) return;
        show(loaded, query, chosen);
      }, function () {
        status.textContent = "The search index could not be loaded.";
      });
    }

    function show(loaded, query, chosen) {
      var records = loaded.index.records;
      var filter = function (result) {
        var r = records[result.id];
        return (chosen.document === null || r.d === chosen.document) &&
          (chosen.entity === null || (r.e || []).indexOf(chosen.entity) !== -1) &&
          (chosen.source === null || (r.s || []).indexOf(chosen.source) !== -1);
      };
      var options = {
        prefix: function (term) { return term.length > 2; },
        fuzzy: function (term) { return term.length > 4 ? 0.2 : false; },
        boost: { h: 2 },
        filter: filter
      };
      var results = loaded.engine.search(query, Object.assign({ combineWith: "AND" }, options));
      if (!results.length) results = loaded.engine.search(query, Object.assign({ combineWith: "OR" }, options));
      // The paragraph that holds the very words searched for comes first.
      var phrase = folded(query);
      results.forEach(function (result) {
        if (phrase && folded(records[result.id].t).indexOf(phrase) !== -1) result.score *= 8;
      });
      results.sort(function (a, b) { return b.score - a.score; });
      var shown = results.slice(0, 60);
      list.innerHTML = "";
      shown.forEach(function (result) {
        var r = records[result.id];
        var terms = words(query).concat(result.terms || []);
        var pattern = wordPattern(terms);
        var item = make("li");
        var where = make("span", "where");
        var title = make("span", "result-title");
        if (r.k === "entity" || r.k === "source") {
          where.textContent = r.k === "entity" ? "Person, organisation or place" : "Source";
          title.textContent = r.h;
        } else {
          where.textContent = loaded.index.documents[r.d] + (r.h ? " · " + r.h : "");
          title.textContent = r.k === "note" ? "Note " + r.n : r.n ? "¶ " + r.n : "Section";
        }
        var split = r.u.indexOf("#");
        var href = split < 0 ? root + r.u
          : root + r.u.slice(0, split) + "?hl=" + encodeURIComponent(query) + r.u.slice(split);
        var link = make("a");
        link.href = href;
        link.appendChild(title);
        item.appendChild(where);
        item.appendChild(link);
        var text = make("p");
        text.innerHTML = excerpt(r.t, query, pattern);
        item.appendChild(text);
        list.appendChild(item);
      });
      var count = results.length;
      status.textContent = count === 0 ? "Nothing found for “" + query + "”."
        : count + (count === 1 ? " result" : " results") + " for “" + query + "”" +
          (count > shown.length ? ", the first " + shown.length + " shown." : ".");
    }
  }

  // --- 3. Previews -----------------------------------------------------------------
  var TRIGGERS = "a.mention, a.cite, a.xref, .fn-ref a";
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
    clone.querySelectorAll(".pilcrow, .cite-button, .ed-ref, .ed-note, .sidenote, .fn-ref, .fn-back").forEach(function (n) { n.remove(); });
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
    if (trigger.closest(".fn-ref")) return footnoteCard(trigger);
    return blockCard(trigger, data);
  }

  function eligible(trigger) {
    if (!trigger || trigger.closest(".preview")) return false;
    // Beside a margin note its preview would only repeat it.
    if (trigger.closest(".fn-ref") && wide.matches && html.classList.contains("notes")) return false;
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
      if (trigger === dismissed && (!into || !trigger.contains(into))) dismissed = null;
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
  var dataElement = document.getElementById("lectern-doc");
  var doc = dataElement ? JSON.parse(dataElement.textContent) : null;
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

  function formats(block) {
    var n = block.getAttribute("data-n");
    var where = n ? "¶ " + n : "section “" + firstWords(block, 8) + "”";
    var url = doc.url + "#" + block.id;
    var fragment = url + ":~:text=" + encodeURIComponent(firstWords(block, 5)).replace(/-/g, "%2D");
    var authors = doc.authors.join(", ");
    var accessed = today();
    var text = (authors ? authors + ". " : "") + "“" + doc.title + ".” " +
      (doc.publication ? doc.publication + ". " : "") + (doc.date ? doc.date + ". " : "") +
      "In " + doc.site + ", " + where + ". " + url + " (accessed " + accessed + ").";
    var bib = "@article{" + doc.slug + "-" + block.id + ",\n" +
      (authors ? "  author = {" + doc.authors.join(" and ") + "},\n" : "") +
      "  title = {" + doc.title + "},\n" +
      (doc.publication ? "  journal = {" + doc.publication + "},\n" : "") +
      (doc.date ? "  date = {" + doc.date + "},\n" : "") +
      "  howpublished = {" + doc.site + ", " + where + "},\n" +
      "  url = {" + url + "},\n  urldate = {" + accessed + "}\n}";
    var csl = {
      id: doc.slug + "-" + block.id,
      type: "article",
      title: doc.title,
      author: doc.authors.map(function (a) { return { literal: a }; }),
      "container-title": doc.publication || doc.site,
      URL: url,
      locator: n || undefined,
      label: n ? "paragraph" : undefined,
      accessed: { "date-parts": [accessed.split("-").map(Number)] }
    };
    if (doc.date) csl.issued = { "date-parts": [doc.date.split("-").map(Number)] };
    return [
      ["Permalink", url],
      ["Link that survives edits", fragment],
      ["Citation", text],
      ["BibTeX", bib],
      ["CSL-JSON", JSON.stringify(csl, null, 2)]
    ];
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
    var n = block.getAttribute("data-n");
    var title = make("h2", "", n ? "Cite paragraph " + n : "Cite this section");
    title.id = "cite-dialog-title";
    dialog.appendChild(title);
    var link = make("a", "", n ? "Link to paragraph " + n : "Link to this section");
    link.href = "#" + block.id;
    link.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(make("p")).appendChild(link);
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
    side.querySelectorAll(".fn-back").forEach(function (n) { n.remove(); });
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
    body.querySelectorAll(".fn-ref a[href*='#']").forEach(function (ref) {
      var note = document.getElementById(decodeURIComponent(ref.hash.slice(1)));
      if (!note || !ref.id) return;
      var side = sidenoteOf(note, ref.textContent.trim(), "sn-" + ref.id);
      var sup = ref.closest(".fn-ref");
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

    docBody.querySelectorAll(".pilcrow").forEach(function (pilcrow) {
      var block = pilcrow.parentElement;
      var button = make("button", "cite-button", "cite");
      button.type = "button";
      var n = block.getAttribute("data-n");
      button.setAttribute("aria-label", n ? "Cite paragraph " + n : "Cite this section");
      button.addEventListener("click", function () { openCite(block, button); });
      pilcrow.after(button);
      // One tab stop per block: the button, whose dialog has the permalink too.
      pilcrow.tabIndex = -1;
    });
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
    filter.addEventListener("change", apply);
    filter.hidden = false;
    apply();
  }
})();
