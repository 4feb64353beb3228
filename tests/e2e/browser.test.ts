import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { artifactPath, launchBrowser } from "../support/browser";
import { limitTestPdf } from "../support/limit-pdfs";
import { startStack, type Stack } from "../support/stack";
import { corpusFile } from "../support/services";
import { scannedPage } from "../support/test-images";

/**
 * The page in a real browser (Debian's Chromium through playwright-core) against the real web and worker
 * processes: upload a corpus PDF through the page, watch the progress bar reach the end over SSE, open the
 * document, see the annotated page images load, toggle the detection overlay. Screenshots go to test-artifacts/.
 */
describe("the web page in Chromium (real web + worker processes)", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-browser-data-"));
  let stack: Stack;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  /** What Chromium reports the Content-Security-Policy refused: the page must satisfy its own policy. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    stack = await startStack("browser", { DATA_DIR: dataDir, S3_BUCKET: "" });
    base = stack.base;
    [browser] = await Promise.all([launchBrowser(), stack.startWeb(), stack.startWorker()]);
    page = await browser.context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("uploads a PDF through the page, follows its progress live and shows annotated pages with a toggleable overlay", async () => {
    await page.goto(`${base}/`);
    await page.getByRole("heading", { name: "Upload" }).waitFor();
    const title = `Multicolumn ${stack.prefix}`; // the test database is shared: a title no other row has
    await page.locator("#title-input").fill(title);
    await page.locator("#file-input").setInputFiles(corpusFile("multicolumn-latex.pdf"));

    // The new document's row appears, then its progress bar reaches 3 of 3 (DOM state, no sleeps).
    const row = page.locator(".doc-row", { hasText: title });
    await row.waitFor({ timeout: 30_000 });
    const bar = row.getByRole("progressbar");
    await row.locator('.progress[data-status="succeeded"][data-complete="true"]').waitFor({ timeout: 180_000 });
    expect(await bar.getAttribute("aria-valuenow")).toBe("3");
    expect(await bar.getAttribute("aria-valuemax")).toBe("3");
    await expect(row.locator(".progress-label").textContent()).resolves.toBe("3 pages done");
    await page.screenshot({ path: artifactPath("browser-list.png"), fullPage: false, animations: "disabled" });

    // The document view: each page's annotated image loads.
    await row.getByRole("link", { name: title }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    const figures = page.locator("figure.page");
    await page.locator('figure.page[data-page="1"][data-loaded="true"]').waitFor({ timeout: 30_000 });
    expect(await figures.count()).toBe(3);
    const naturalWidth = await page.locator('figure.page[data-page="1"] img').evaluate((img) => (img as HTMLImageElement).naturalWidth);
    expect(naturalWidth).toBeGreaterThan(0);
    await expect(page.locator(".live-mode").textContent()).resolves.toMatch(/live/);

    // The overlay: on by default, drawn from the page JSON; the switch hides and shows it.
    const toggle = page.getByRole("switch", { name: "Show detection overlay" });
    await page.locator('figure.page[data-page="1"][data-overlay="ready"]').waitFor({ timeout: 30_000 });
    expect(await toggle.isChecked()).toBe(true);
    expect(await page.locator('figure.page[data-page="1"] svg.overlay polygon').count()).toBeGreaterThan(0);
    expect(await page.locator('figure.page[data-page="1"] svg.overlay').isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath("browser-document-overlay.png"), fullPage: false, animations: "disabled" });

    await toggle.focus();
    await page.keyboard.press("Space"); // keyboard works
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.locator('figure.page[data-page="1"] svg.overlay').isVisible()).toBe(false);
    await page.screenshot({ path: artifactPath("browser-document-plain.png"), fullPage: false, animations: "disabled" });

    // Everything above ran under the server's Content-Security-Policy (no inline script or style) without a refusal,
    // and the overlay's per-detection colour (a CSS custom property set through the CSSOM) is applied.
    const csp = (await page.request.get(`${base}/`)).headers()["content-security-policy"];
    expect(csp).toContain("script-src 'self'");
    const hue = await page.locator('figure.page[data-page="1"] svg.overlay polygon').first().evaluate((el) => getComputedStyle(el).getPropertyValue("--hue"));
    expect(hue.trim()).toMatch(/^\d+/);
    expect(cspViolations).toEqual([]);
  }, 240_000);

  it("shows the error of a failed document", async () => {
    await page.goto(`${base}/`);
    const title = `Locked ${stack.prefix}`; // the test database is shared: a title no other row has
    await page.locator("#title-input").fill(title);
    await page.locator("#file-input").setInputFiles(corpusFile("encrypted-user-password.pdf"));
    const row = page.locator(".doc-row", { hasText: title });
    await row.locator('.progress[data-status="failed"]').waitFor({ timeout: 60_000 });
    await expect(row.locator(".doc-error").textContent()).resolves.toMatch(/pdf_encrypted/);
    await row.getByRole("link").click();
    await page.getByRole("alert").filter({ hasText: "pdf_encrypted" }).waitFor();
    await page.screenshot({ path: artifactPath("browser-failed.png"), fullPage: false, animations: "disabled" });
  }, 120_000);

  it("deletes a document from its page: asks first, goes back to the list, and the API and the data directory know it no more", async () => {
    await page.goto(`${base}/`);
    const title = `Deleted ${stack.prefix}`; // the test database is shared: a title no other row has
    await page.locator("#title-input").fill(title);
    await page.locator("#file-input").setInputFiles(corpusFile("text-1p-pdflatex.pdf"));
    const row = page.locator(".doc-row", { hasText: title });
    await row.locator('.progress[data-status="succeeded"]').waitFor({ timeout: 60_000 });
    const id = (await row.getAttribute("data-id"))!;
    expect(fs.existsSync(path.join(dataDir, "documents", id))).toBe(true);

    await row.getByRole("link", { name: title }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    // The first confirmation is refused: nothing happens. The second is accepted.
    page.once("dialog", (dialog) => void dialog.dismiss());
    await page.getByRole("button", { name: `Delete ${title}` }).click();
    expect((await page.request.get(`${base}/api/documents/${id}`)).status()).toBe(200);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Delete ${title}` }).click();
    await page.getByRole("heading", { name: "Upload" }).waitFor();
    await page.locator(".doc-row", { hasText: title }).waitFor({ state: "detached" });
    expect((await page.request.get(`${base}/api/documents/${id}`)).status()).toBe(404);
    expect(fs.existsSync(path.join(dataDir, "documents", id))).toBe(false);
    await page.screenshot({ path: artifactPath("browser-deleted.png"), fullPage: false, animations: "disabled" });
  }, 120_000);

  it("marks a page processed at a reduced budget and shows a skipped page without an image", async () => {
    // With the default ceiling (400 MB): the 9000 px image crosses it and is left out at the reduced budget; a
    // million operators cross it at any budget.
    const pdf = limitTestPdf([{ kind: "text" }, { kind: "image", side: 9000 }, { kind: "operators", count: 1_000_000 }]);
    const { body } = await stack.uploadBytes(pdf, "limits.pdf");
    await page.goto(`${base}/#/documents/${body.id as string}`);
    await page.locator('figure.page-skipped[data-page="3"][data-skipped="memory"]').waitFor({ timeout: 180_000 });
    await expect(page.locator('figure.page[data-page="3"] .skipped-note').textContent()).resolves.toMatch(/skipped: it needed more memory/);
    await expect(page.locator('figure.page[data-page="2"] .badge-degraded').textContent()).resolves.toBe("degraded (memory)");
    expect(await page.locator('figure.page[data-page="1"] .badge').count()).toBe(0);
    await page.locator('figure.page[data-page="2"][data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifactPath("browser-limited-pages.png"), fullPage: true, animations: "disabled" });
  }, 240_000);

  it("uploads a two-frame TIFF scan through the page: two pages, each image loaded with its overlay", async () => {
    const file = path.join(dataDir, "scan.tiff");
    fs.writeFileSync(file, await scannedPage("multicolumn-latex.pdf", "tiff", 100, [1, 2]));
    await page.goto(`${base}/`);
    await expect(page.locator("#file-input").getAttribute("accept")).resolves.toContain("image/tiff");
    const title = `Scan ${stack.prefix}`; // the test database is shared: a title no other row has
    await page.locator("#title-input").fill(title);
    await page.locator("#file-input").setInputFiles(file);
    const row = page.locator(".doc-row", { hasText: title });
    await row.locator('.progress[data-status="succeeded"][data-complete="true"]').waitFor({ timeout: 120_000 });
    await expect(row.locator(".progress-label").textContent()).resolves.toBe("2 pages done");
    await row.getByRole("link", { name: title }).click();
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    for (const n of [1, 2]) await page.locator(`figure.page[data-page="${n}"][data-loaded="true"]`).waitFor({ timeout: 30_000 });
    const size = await page.locator('figure.page[data-page="1"] img').evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
    expect(size).toEqual([827, 1169]); // A4 at 100 dpi: the scan's own pixels
    // The switch remembers its last state (the first test turned it off): turn the overlay on.
    const toggle = page.getByRole("switch", { name: "Show detection overlay" });
    if (!(await toggle.isChecked())) {
      await toggle.focus();
      await page.keyboard.press("Space");
    }
    expect(await toggle.isChecked()).toBe(true);
    await page.locator('figure.page[data-page="1"][data-overlay="ready"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('figure.page[data-page="1"] svg.overlay polygon').count()).toBeGreaterThan(0);
    await page.screenshot({ path: artifactPath("browser-image-upload.png"), fullPage: false, animations: "disabled" });
  }, 180_000);
});
