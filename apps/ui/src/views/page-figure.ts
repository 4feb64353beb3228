import { api, authHeaders, isOwnUrl, apiKey } from "../api";
import { h, svg } from "../dom";
import { polygonPoints, scoreHue } from "../overlay-geometry";
import { isSkipped, limitLabel, type PageLinks, type PageResult, type SkippedPageLinks } from "../types";

/** Loads an image URL into an <img>: directly, or with the API key when our own API protects it. */
async function loadImage(img: HTMLImageElement, url: string): Promise<void> {
  if (apiKey.get() && isOwnUrl(url)) {
    const res = await fetch(url, { headers: authHeaders() });
    if (!res.ok) throw new Error(`image ${res.status}`);
    img.src = URL.createObjectURL(await res.blob());
  } else {
    img.src = url;
  }
}

/** The detections as an SVG layer in the page image's pixel coordinates, stretched over the image. */
function overlaySvg(result: Pick<PageResult, "width" | "height" | "detections">): SVGElement {
  const layer = svg("svg", {
    class: "overlay",
    viewBox: `0 0 ${result.width} ${result.height}`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": `${result.detections.length} detections`,
  });
  for (const d of result.detections) {
    const hue = scoreHue(d.score);
    layer.append(
      svg(
        "polygon",
        { points: polygonPoints(d), style: `--hue:${hue}`, class: "det" },
        svg("title", {}, `${d.label} · score ${d.score.toFixed(2)}`),
      ),
    );
  }
  return layer;
}

/** One processed page: annotated image, optional detection overlay, caption with counts and a JSON download. */
export function pageFigure(documentId: string, page: PageLinks, onDownload: (page: PageLinks) => void) {
  const img = h("img", {
    class: "page-image",
    alt: `Page ${page.number}, annotated with ${page.detections} detections`,
    width: page.width,
    height: page.height,
    loading: "lazy",
    decoding: "async",
  });
  img.addEventListener("load", () => (figure.dataset.loaded = "true"));
  const stage = h("div", { class: "page-stage" }, img);
  const figure = h(
    "figure",
    { class: "page", id: `page-${page.number}`, "data-page": page.number },
    stage,
    h(
      "figcaption",
      {},
      h("span", { class: "page-number" }, `Page ${page.number}`),
      h("span", { class: "muted" }, `${page.detections} ${page.detections === 1 ? "detection" : "detections"} · ${page.width}×${page.height}px`),
      ...(page.degraded
        ? [
            h(
              "span",
              { class: "badge badge-degraded", title: `Processed again at ${page.degraded.dpi} dpi, large images left out: ${limitLabel[page.degraded.reason]}.` },
              `degraded (${page.degraded.reason})`,
            ),
          ]
        : []),
      h("button", { type: "button", class: "link-button", "aria-label": `Download the JSON of page ${page.number}`, onclick: () => onDownload(page) }, "JSON ↓"),
    ),
  );
  let overlay: Promise<void> | null = null;

  void loadImage(img, page.imageUrl).catch(() => figure.classList.add("broken"));

  return {
    el: figure,
    /** Fetches the page's detections once and draws them; CSS shows or hides the layer. */
    ensureOverlay(): Promise<void> {
      overlay ??= api.page(documentId, page.number).then((result) => {
        if (isSkipped(result)) return;
        stage.append(overlaySvg(result));
        figure.dataset.overlay = "ready";
      });
      return overlay;
    },
  };
}

/** A page skipped at a limit: no image; says why. */
export function skippedPageFigure(page: SkippedPageLinks) {
  const figure = h(
    "figure",
    { class: "page page-skipped", id: `page-${page.number}`, "data-page": page.number, "data-skipped": page.skipped.reason },
    h("p", { class: "skipped-note" }, `This page was skipped: ${limitLabel[page.skipped.reason]}, even at a reduced resolution.`),
    h("figcaption", {}, h("span", { class: "page-number" }, `Page ${page.number}`), h("span", { class: "muted" }, "no image"), h("span", { class: "badge badge-skipped" }, `skipped (${page.skipped.reason})`)),
  );
  return { el: figure, ensureOverlay: () => Promise.resolve() };
}
