import fs from "node:fs";
import path from "node:path";
import { corpusDir } from "./services";

export interface CorpusEntry {
  file: string;
  pages: number | "unreadable" | null;
  kind: string;
  expect: "ok" | "reject" | "reject/ok";
  accept: string[];
  bytes: number;
}

export function corpusManifest(): CorpusEntry[] {
  return (JSON.parse(fs.readFileSync(path.join(corpusDir, "manifest.json"), "utf8")) as { files: CorpusEntry[] }).files;
}

export function corpusEntry(file: string): CorpusEntry {
  const entry = corpusManifest().find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in the corpus manifest`);
  return entry;
}
