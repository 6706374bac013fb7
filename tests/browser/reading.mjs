// Reading the built site in Debian's Chromium, as a reader would: margin notes,
// previews, notes opened in place, search, the theme toggle, phones, and
// axe-core. Run by tests/browser.rs as `node reading.mjs <site URL>` against a
// site served under a sub-path; prints one line per check and exits non-zero if
// any failed.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const base = process.argv[2];
if (!base) throw new Error("usage: node reading.mjs <site URL ending in />");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const PAGES = {
  home: "",
  document: "cia-and-isi-a-failed-marriage/",
  timeline_document: "khaksar-timeline/",
  entity: "entities/mullah-omar/",
  entities: "entities/",
  source: "sources/coll-directorate-s/",
  sources: "sources/",
  timeline: "timeline/",
  notes: "annotations/",
  search: "search/?q=Khaksar",
  not_found: "404.html",
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

let failed = 0;
let passed = 0;
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(error && error.stack || error).split("\n").join("\n     ")}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// A page at a width and colour scheme, collecting console errors and failed requests.
async function open(path, { width = 1440, scheme = "light", javaScript = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: scheme,
    javaScriptEnabled: javaScript,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400 && !r.url().endsWith("/404.html")) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(base + path, { waitUntil: "networkidle" });
  return { page, context, errors };
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

// --- Every page type: no sideways scroll, no console errors, no serious axe findings.
for (const width of [320, 390, 430, 1440]) {
  for (const scheme of width === 390 || width === 1440 ? ["light", "dark"] : ["light"]) {
    await check(`every page type fits ${width} px (${scheme}), without console errors${width >= 390 ? ", axe-clean" : ""}`, async () => {
      const problems = [];
      const { page, context, errors } = await open("", { width, scheme });
      for (const [name, path] of Object.entries(PAGES)) {
        await page.goto(base + path, { waitUntil: "networkidle" });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) problems.push(`${name}: scrolls ${wide} px sideways`);
        if (errors.length) problems.push(`${name}: ${errors.splice(0).join("; ")}`);
        if (width === 390 || width === 1440) {
          for (const v of await axe(page)) problems.push(`${name}: ${v}`);
        }
      }
      await context.close();
      assert(!problems.length, problems.join("\n"));
    });
  }
}

await check("a footnote and an editor's note stand in the margin beside their line at 1440 px", async () => {
  const { page, context } = await open(PAGES.document, { width: 1440 });
  const layout = await page.evaluate(() => {
    const box = (e) => e.getBoundingClientRect();
    const note = document.querySelector(".doc-body .sidenote");
    const ref = document.querySelector(".doc-body a[role=doc-noteref]");
    const ed = document.querySelector(".doc-body > p .ed-note, .doc-body p .ed-note");
    const paragraph = ref.closest("p");
    return {
      visible: getComputedStyle(note).display !== "none",
      noteLeft: box(note).left, textRight: box(paragraph).right,
      noteTop: box(note).top, refTop: box(ref).top,
      edLeft: box(ed).left, edRight: box(ed).right, edTextRight: box(ed.closest("p")).right,
      viewport: window.innerWidth,
    };
  });
  assert(layout.visible, "the sidenote is shown");
  assert(layout.noteLeft >= layout.textRight, `the note (left ${layout.noteLeft}) is right of the text (right ${layout.textRight})`);
  assert(Math.abs(layout.noteTop - layout.refTop) < 60, `the note starts beside its reference (${layout.noteTop} vs ${layout.refTop})`);
  assert(layout.edLeft >= layout.edTextRight && layout.edRight <= layout.viewport, "the editor's note is in the margin, on screen");
  await context.close();
});

await check("hovering a mention previews its entity; Escape closes it", async () => {
  const { page, context } = await open(PAGES.document, { width: 1440 });
  // The link alone says which entity: the script reads its id from the path.
  const mention = page.locator(".doc-body a.mention[href$='entities/cia/']").first();
  await mention.hover();
  const preview = page.locator(".preview[role=tooltip]");
  await preview.waitFor({ state: "visible", timeout: 3000 });
  const text = await preview.innerText();
  assert(/Central Intelligence Agency/.test(text) && /organisation/i.test(text), `the preview names the entity and its kind: ${text}`);
  assert(await preview.locator("a[href*='entities/cia/']").count() === 1, "the preview links onward");
  await page.keyboard.press("Escape");
  await preview.waitFor({ state: "hidden", timeout: 2000 });
  // The first mention in a section is styled by its kind, from its class.
  const styles = await page.evaluate(() => ["person", "organization", "place"].map((kind) => {
    const a = document.querySelector(`.doc-body a.mention.first.kind-${kind}`);
    return a && getComputedStyle(a).textDecorationStyle;
  }));
  assert(styles.join() === "solid,double,dashed", `people solid, organisations double, places dashed: ${styles}`);
  await context.close();
});

await check("focusing a citation previews its source without taking focus; Escape closes it", async () => {
  const { page, context } = await open(PAGES.document, { width: 390 });
  const cite = page.locator("section.footnotes a.cite").first();
  await cite.focus();
  const preview = page.locator(".preview[role=tooltip]");
  await preview.waitFor({ state: "visible", timeout: 3000 });
  assert(/Mazzetti|Coll/.test(await preview.innerText()), "the preview shows the source record");
  assert(await cite.evaluate((a) => document.activeElement === a), "focus stays on the citation");
  assert(await cite.getAttribute("aria-describedby") === "lectern-preview", "the preview describes the citation");
  await page.keyboard.press("Escape");
  await preview.waitFor({ state: "hidden", timeout: 2000 });
  assert(await cite.evaluate((a) => document.activeElement === a), "focus is still on the citation");
  await context.close();
});

await check("a cross-reference previews the first lines of its target", async () => {
  const { page, context } = await open(PAGES.timeline_document, { width: 1440 });
  const xref = page.locator(".doc-body a.xref").first();
  const target = (await xref.getAttribute("href")).slice(1);
  await xref.hover();
  const preview = page.locator(".preview[role=tooltip]");
  await preview.waitFor({ state: "visible", timeout: 3000 });
  const expected = await page.evaluate((id) => document.getElementById(id).textContent.trim().slice(0, 12), target);
  assert((await preview.innerText()).includes(expected), `the preview shows “${expected}…”`);
  await context.close();
});

await check("at 390 px a footnote opens in place and closes again, without scrolling", async () => {
  const { page, context } = await open(PAGES.document, { width: 390 });
  const ref = page.locator(".doc-body a[role=doc-noteref]").first();
  await ref.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  await ref.click();
  const note = page.locator(`[id="${await ref.getAttribute("aria-controls")}"]`);
  await note.waitFor({ state: "visible", timeout: 2000 });
  assert(await ref.getAttribute("aria-expanded") === "true", "the reference says it is expanded");
  assert(Math.abs(await page.evaluate(() => window.scrollY) - before) < 2, "the page did not scroll away");
  assert(/Mazzett/.test(await note.innerText()), "the note's words are shown");
  const box = await note.boundingBox();
  assert(box.x >= 0 && box.x + box.width <= 390, "the note fits the screen");
  await ref.click();
  await note.waitFor({ state: "hidden", timeout: 2000 });
  assert(await ref.getAttribute("aria-expanded") === "false", "and says it is collapsed");
  await context.close();
});

await check("a search phrase typed in the header lands on the paragraph that holds it, marked", async () => {
  const phrase = "came back empty handed";
  const { page, context, errors } = await open(PAGES.home, { width: 1440 });
  await page.keyboard.press("/");
  assert(await page.evaluate(() => document.activeElement.id === "site-q"), "/ focuses the search box");
  await page.keyboard.type(phrase);
  await page.keyboard.press("Enter");
  const first = page.locator("#search-results li a").first();
  await first.waitFor({ timeout: 5000 });
  const result = await page.locator("#search-results li").first().innerText();
  assert(result.toLowerCase().includes(phrase), `the first result shows the phrase: ${result}`);
  assert(await page.locator("#search-results li").first().locator("mark").count() > 0, "the match is highlighted");
  await first.click();
  await page.waitForLoadState("networkidle");
  const landed = await page.evaluate(() => {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    return target && { text: target.textContent, marked: target.querySelectorAll("mark.search-hit").length, top: target.getBoundingClientRect().top };
  });
  assert(landed && landed.text.includes(phrase), "the landing paragraph holds the phrase");
  assert(landed.marked > 0, "the phrase is marked there");
  assert(landed.top >= 0 && landed.top < 900, "and it is on screen");
  assert(await page.evaluate(() => location.search === ""), "the address left is the paragraph's own");
  assert(!errors.length, errors.join("; "));
  await context.close();
});

await check("search filters by document, entity and source", async () => {
  const { page, context } = await open("search/?q=Pakistan", { width: 1440 });
  await page.locator("#search-results li").first().waitFor({ timeout: 5000 });
  const all = await page.locator("#search-results li").count();
  await page.selectOption("#search-document", { label: "The Taliban Story: CIA and ISI-A Failed Marriage" });
  await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length < n, all);
  const wheres = await page.locator("#search-results .where").allInnerTexts();
  assert(wheres.every((w) => w.startsWith("The Taliban Story: CIA and ISI-A Failed Marriage")), `only that document: ${wheres.slice(0, 3)}`);
  await page.selectOption("#search-document", "");
  await page.selectOption("#search-entity", { label: "Mahmud Ahmed" });
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0);
  await page.selectOption("#search-entity", "");
  const source = await page.locator("#search-source option").nth(1).getAttribute("value");
  await page.selectOption("#search-source", source);
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 0 || /Nothing/.test(document.getElementById("search-status").textContent));
  assert(/[?&]source=/.test(page.url()), "the filter is in the address, to share or reload");
  await context.close();
});

await check("search fetches only the small index files its words need, and the pages of the results it shows", async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const fetched = [];
  page.on("response", async (r) => {
    const url = r.url();
    if (!url.startsWith(base)) return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    fetched.push({ path: url.slice(base.length).split("?")[0], bytes: body.length, status: r.status() });
  });
  await page.goto(base + "search/?q=" + encodeURIComponent("Guantánamo prison"), { waitUntil: "networkidle" });
  await page.locator("#search-results li").first().waitFor({ timeout: 5000 });
  const index = fetched.filter((f) => f.path.startsWith("search/") && f.path !== "search/");
  assert(!fetched.some((f) => /search\.json|minisearch/.test(f.path)), "no whole index: " + fetched.map((f) => f.path));
  const allowed = /^search\/(meta\.json|lengths\.bin|terms\/\d+\.bin|records\/\d+\.json)\.gz$/;
  assert(index.every((f) => allowed.test(f.path) && f.status === 200), "only index files: " + index.map((f) => f.path));
  assert(index.every((f) => f.bytes < 64 * 1024), "each small: " + index.map((f) => f.path + " " + f.bytes));
  assert(index.some((f) => f.path.startsWith("search/terms/")), "a term file");
  // Words are matched without accents, and the words shown come from the result's
  // page: "Guantánamo" finds "Guantanamo Bay", and "prison" the "prisons" it begins.
  const first = page.locator("#search-results li").first();
  assert(/Guantanamo Bay/.test(await first.innerText()), "the unaccented word is found: " + await first.innerText());
  const marks = await first.locator("mark").allInnerTexts();
  assert(marks.includes("Guantanamo") && marks.includes("prisons"), "and marked as written: " + marks);
  const pages = fetched.filter((f) => /^[a-z0-9-]+\/$/.test(f.path) && f.path !== "search/");
  assert(pages.length >= 1 && pages.length <= 5, "the results' documents: " + pages.map((f) => f.path));
  // Many results come twenty at a time.
  await page.fill("#search-q", "the");
  await page.locator("#search-q").press("Enter");
  await page.waitForFunction(() => /the first 20 shown/.test(document.getElementById("search-status").textContent));
  assert(await page.locator("#search-results li").count() === 20, "twenty shown");
  await page.click(".search-more");
  await page.waitForFunction(() => document.querySelectorAll("#search-results li").length > 20);
  assert(await page.evaluate(() => document.activeElement.closest("#search-results li") === document.querySelectorAll("#search-results li")[20]),
    "focus moves to the first new result");
  await context.close();
});

await check("the theme toggle is remembered across a reload and on other pages", async () => {
  const { page, context } = await open(PAGES.document, { width: 390, scheme: "light" });
  const toggle = page.locator(".theme-toggle");
  assert(await toggle.isVisible(), "the toggle is shown");
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await toggle.click();
  assert(await page.evaluate(() => document.documentElement.dataset.theme) === "dark", "the first press turns a light page dark");
  assert(await background() !== light, "and the page is dark");
  await page.reload({ waitUntil: "networkidle" });
  assert(await page.evaluate(() => document.documentElement.dataset.theme) === "dark", "dark after a reload");
  assert((await toggle.innerText()).includes("Dark"), "the toggle says so");
  await page.goto(base + PAGES.entities, { waitUntil: "networkidle" });
  assert(await background() !== light, "dark on another page");
  await toggle.click();
  await toggle.click();
  assert(await page.evaluate(() => !document.documentElement.dataset.theme), "back to the system's theme");
  await context.close();
});

await check("the timeline filters by entity and by document, and each dated passage has its datetime", async () => {
  const { page, context } = await open(PAGES.timeline, { width: 390 });
  const all = await page.locator(".timeline > li:visible").count();
  assert(all >= 40, `${all} dated entries`);
  const datetimes = await page.locator(".timeline > li time[datetime]").count();
  assert(datetimes === all, "every entry carries a machine-readable date");
  await page.selectOption("select[name=entity]", "mullah-omar");
  const omar = await page.locator(".timeline > li:visible").count();
  const stray = await page.locator('.timeline > li:visible:not([data-entities~="mullah-omar"])').count();
  assert(omar > 0 && omar < all && stray === 0, `${omar} entries for Mullah Omar, ${stray} others shown`);
  await page.selectOption("select[name=document]", "khaksar-timeline");
  const both = await page.locator(".timeline > li:visible").count();
  const elsewhere = await page.locator('.timeline > li:visible:not([data-document="khaksar-timeline"])').count();
  assert(both > 0 && both <= omar && elsewhere === 0, `${both} entries in one document`);
  const years = await page.locator("section.year:visible").count();
  assert(years > 0 && years < (await page.locator("section.year").count()), "empty years are hidden");
  const chosen = new URL(page.url()).searchParams;
  assert(chosen.get("entity") === "mullah-omar" && chosen.get("document") === "khaksar-timeline", `the filter is in the address: ${page.url()}`);
  await context.close();
  // An entity page links to the timeline filtered to it, as the address says.
  const linked = await open(PAGES.timeline + "?entity=mullah-omar", { width: 390 });
  const shown = await linked.page.locator(".timeline > li:visible").count();
  assert(shown === omar, `${shown} entries shown from the address, ${omar} from the menu`);
  assert(await linked.page.locator("select[name=entity]").inputValue() === "mullah-omar", "the menu shows the chosen entity");
  await linked.context.close();
});

await check("opening /<slug>/#<id> shows and highlights that paragraph", async () => {
  const { page, context } = await open(PAGES.document, { width: 390 });
  const id = await page.locator(".doc-body p[data-n='12']").getAttribute("id");
  await page.goto(base + PAGES.document + "#" + id, { waitUntil: "networkidle" });
  const state = await page.evaluate((id) => {
    const p = document.getElementById(id);
    return { top: p.getBoundingClientRect().top, bg: getComputedStyle(p).backgroundColor, target: p.matches(":target") };
  }, id);
  assert(state.target && state.top >= 0 && state.top < 900, "the paragraph is the target and on screen");
  assert(state.bg !== "rgba(0, 0, 0, 0)", "and highlighted");
  await context.close();
});

await check("each paragraph has one tab stop for its tools", async () => {
  const { page, context } = await open(PAGES.document, { width: 1440 });
  const stops = await page.evaluate(() => [...document.querySelectorAll(".doc-body [data-n]")].slice(0, 20).map((block) =>
    [...block.querySelectorAll(":scope > .pilcrow, :scope > .cite-button")].filter((e) => e.tabIndex >= 0).length));
  assert(stops.every((n) => n === 1), `tool tab stops per paragraph: ${stops}`);
  await context.close();
});

await check("the whole document can be cited as BibTeX and CSL-JSON", async () => {
  const { page, context } = await open(PAGES.document, { width: 1440 });
  await page.locator(".cite-document button").click();
  const dialog = page.locator("dialog.cite-dialog");
  assert(await dialog.isVisible(), "the cite dialog opens");
  assert(/Cite this document/.test(await dialog.locator("h2").innerText()), "for the document");
  const boxes = await dialog.locator("pre").allInnerTexts();
  const url = await page.locator("link[rel=canonical]").getAttribute("href");
  const bib = boxes.find((b) => b.startsWith("@article{"));
  assert(bib && bib.includes(`url = {${url}}`) && !bib.includes("#"), `document BibTeX: ${bib}`);
  assert(boxes.some((b) => b.includes('"URL": "' + url + '"')), "and CSL-JSON for the document");
  await page.keyboard.press("Escape");
  assert(await page.locator(".cite-document button").evaluate((b) => document.activeElement === b), "focus returns to the button");
  assert(!bib.includes("note = "), `a stated title needs no note: ${bib}`);
  await context.close();

  // A title the editor supplied stands unquoted, in its brackets, and is noted.
  const supplied = await open(PAGES.timeline_document, { width: 1440 });
  await supplied.page.locator(".cite-document button").click();
  const texts = await supplied.page.locator("dialog.cite-dialog pre").allInnerTexts();
  const title = await supplied.page.locator("meta[name=citation_title]").getAttribute("content");
  assert(/^\[.*\]$/.test(title), `the cited title is bracketed: ${title}`);
  const citation = texts.find((t) => t.includes(" In "));
  assert(citation.includes(`${title}. `) && !citation.includes(`“${title}`), `unquoted: ${citation}`);
  const suppliedBib = texts.find((t) => t.startsWith("@article{"));
  assert(suppliedBib.includes("note = {Title supplied by the editor}"), `noted: ${suppliedBib}`);
  assert(texts.some((t) => t.includes('"note": "Title supplied by the editor"')), "in CSL-JSON too");
  await supplied.context.close();
});

await check("without JavaScript everything is there: notes inline, footnotes at the end, linked both ways", async () => {
  const { page, context } = await open(PAGES.document, { width: 1440, javaScript: false });
  assert(await page.locator(".sidenote").count() === 0, "no margin copies");
  assert(await page.locator(".doc-body .ed-note").first().isVisible(), "editor's notes inline");
  assert(await page.locator("section.footnotes li").first().isVisible(), "footnotes at the end");
  const back = page.locator("section.footnotes a[role=doc-backlink]").first();
  assert(/back/i.test(await back.innerText()), "back-links have words");
  assert(await page.locator(".outline, .doc-body").count() >= 1, "the text is there");
  await context.close();
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
