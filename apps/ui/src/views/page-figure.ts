import { api, authHeaders, isOwnUrl, apiKey } from "../api";
import { h, svg } from "../dom";
import { polygonPoints, scoreHue } from "../overlay-geometry";
import type { PageLinks, PageResult } from "../types";

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
export function overlaySvg(result: Pick<PageResult, "width" | "height" | "detections">): SVGElement {
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
        stage.append(overlaySvg(result));
        figure.dataset.overlay = "ready";
      });
      return overlay;
    },
  };
}
