import { createCanvas } from "@napi-rs/canvas";
import { freeCanvas } from "../../packages/pdf/src/rendered-page";

describe("freeCanvas", () => {
  it("shrinks a page-sized canvas to one pixel, so its raster goes now rather than at the next major GC", () => {
    const canvas = createCanvas(1240, 1754);
    canvas.getContext("2d").fillRect(0, 0, 100, 100);
    freeCanvas(canvas);
    expect([canvas.width, canvas.height]).toEqual([1, 1]);
    expect(canvas.getContext("2d").getImageData(0, 0, 1, 1).data).toHaveLength(4);
  });
});
