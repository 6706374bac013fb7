// `lectern serve` with a page open in Chromium: a saved edit appears without a
// manual reload, a broken save shows its error over the page, and the next good
// save recovers. Prints the save-to-reload times.
// Usage: node serve.mjs <page URL> <document file> <chromium path>
import { chromium } from "playwright-core";
import { readFileSync, writeFileSync } from "node:fs";

const [url, file, executablePath = "/usr/bin/chromium"] = process.argv.slice(2);
const original = readFileSync(file, "utf8");
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const fail = async (message) => {
  writeFileSync(file, original);
  await browser.close();
  console.error(message);
  process.exit(1);
};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.body.innerText.length > 0);

  const save = async (text, until) => {
    const started = Date.now();
    writeFileSync(file, text);
    await page.waitForFunction(until, null, { timeout: 15000 });
    return Date.now() - started;
  };
  const edited = original.replace(/\n\n([^\n+#>\[])/, "\n\nLIVE-EDIT-MARKER $1");
  if (edited === original) await fail("no paragraph to edit in " + file);
  const shown = await save(edited, () => document.body.innerText.includes("LIVE-EDIT-MARKER"));
  const broken = await save(edited + "\n\nA note that is missing.[^no-such-note]\n", () => {
    const box = document.getElementById("lectern-problem");
    return box && box.innerText.includes("[^no-such-note]") && box.innerText.includes(".md:");
  });
  const stillThere = await page.evaluate(() => document.body.innerText.includes("LIVE-EDIT-MARKER"));
  if (!stillThere) await fail("the last good build should stay on the page under the report");
  const recovered = await save(original, () =>
    !document.getElementById("lectern-problem") && !document.body.innerText.includes("LIVE-EDIT-MARKER"));
  if (errors.length) await fail("page errors: " + errors.join("; "));
  console.log(JSON.stringify({ shown_ms: shown, error_shown_ms: broken, recovered_ms: recovered }));
} catch (e) {
  await fail(String(e));
}
writeFileSync(file, original);
await browser.close();
