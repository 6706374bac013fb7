// lectern's page script. The site reads fully without it; it adds two things:
// 1. retired paragraph ids keep working: a link to an id that no longer exists
//    lands on the nearest surviving block, and the reader is told it moved;
// 2. a "cite" button on every citable block, with copyable permalink, text-fragment
//    link, formatted citation, BibTeX and CSL-JSON.
(function () {
  "use strict";
  var dataElement = document.getElementById("lectern-doc");
  if (!dataElement) return;
  var doc = JSON.parse(dataElement.textContent);

  // --- Retired ids -----------------------------------------------------------
  function resolve(id) {
    var seen = {};
    while (id && !document.getElementById(id) && doc.redirects[id] !== undefined && !seen[id]) {
      seen[id] = true;
      id = doc.redirects[id];
    }
    return id && document.getElementById(id) ? id : null;
  }

  function notice(from, to) {
    var box = document.createElement("p");
    box.className = "moved-notice";
    box.setAttribute("role", "status");
    box.textContent = to
      ? "The passage you linked to (#" + from + ") was changed or removed. You are at the nearest passage that remains."
      : "The passage you linked to (#" + from + ") no longer exists.";
    var main = document.getElementById("main");
    main.insertBefore(box, main.firstChild);
  }

  function followRedirect() {
    var hash = location.hash.slice(1);
    // Never touch text fragments (`#:~:text=`): the browser handles them.
    if (!hash || hash.indexOf(":~:") !== -1) return;
    var id;
    try { id = decodeURIComponent(hash); } catch (e) { return; }
    if (document.getElementById(id) || doc.redirects[id] === undefined) return;
    var target = resolve(id);
    notice(id, target);
    if (target) {
      history.replaceState(null, "", "#" + target);
      var element = document.getElementById(target);
      element.scrollIntoView();
      element.classList.add("arrived");
    }
  }
  window.addEventListener("hashchange", followRedirect);
  followRedirect();

  // --- Cite --------------------------------------------------------------------
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function firstWords(element, count) {
    var clone = element.cloneNode(true);
    clone.querySelectorAll(".ed-note, .pilcrow, .cite-button, sup").forEach(function (n) { n.remove(); });
    return clone.textContent.trim().split(/\s+/).slice(0, count).join(" ");
  }

  function formats(block) {
    var n = block.getAttribute("data-n");
    var where = n ? "¶ " + n : "section “" + firstWords(block, 8) + "”";
    var url = doc.url + "#" + block.id;
    var words = firstWords(block, 5);
    var fragment = url + ":~:text=" + encodeURIComponent(words).replace(/-/g, "%2D");
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

  function copy(text, button) {
    function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
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

  var dialog = document.createElement("dialog");
  dialog.className = "cite-dialog";
  dialog.setAttribute("aria-labelledby", "cite-dialog-title");
  document.body.appendChild(dialog);

  function openCite(block, opener) {
    dialog.innerHTML = "";
    var title = document.createElement("h2");
    title.id = "cite-dialog-title";
    var n = block.getAttribute("data-n");
    title.textContent = n ? "Cite paragraph " + n : "Cite this section";
    dialog.appendChild(title);
    formats(block).forEach(function (pair) {
      var label = document.createElement("p");
      label.className = "cite-label";
      label.textContent = pair[0];
      var box = document.createElement("pre");
      box.textContent = pair[1];
      box.tabIndex = 0;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy " + pair[0]);
      button.addEventListener("click", function () { copy(pair[1], button); });
      dialog.appendChild(label);
      dialog.appendChild(box);
      dialog.appendChild(button);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "cite-close";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(close);
    dialog.addEventListener("close", function () { opener.focus(); }, { once: true });
    dialog.showModal();
  }

  document.querySelectorAll(".doc-body .pilcrow").forEach(function (pilcrow) {
    var block = pilcrow.parentElement;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "cite-button";
    button.textContent = "cite";
    var n = block.getAttribute("data-n");
    button.setAttribute("aria-label", n ? "Cite paragraph " + n : "Cite this section");
    button.addEventListener("click", function () { openCite(block, button); });
    pilcrow.after(button);
  });
})();
