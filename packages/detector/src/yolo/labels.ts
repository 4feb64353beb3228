/**
 * Class names as Ultralytics writes them in the ONNX metadata_props "names": a Python dict literal such as
 * "{0: 'text', 1: 'title', 2: \"it's\"}". Returns names indexed by class id (gaps stay undefined).
 */
export function parseUltralyticsNames(value: string): string[] {
  const names: string[] = [];
  const entry = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const m of value.matchAll(entry)) names[Number(m[1])] = (m[2] ?? m[3]).replace(/\\(.)/g, "$1");
  return names;
}

/**
 * A labels file: a JSON array of names, the Ultralytics dict literal, `id: name` lines (as in a data.yaml's names
 * block), or one name per line in class order. Blank lines and # comments are ignored.
 */
export function parseLabelsFile(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) return (JSON.parse(trimmed) as unknown[]).map(String);
  if (trimmed.startsWith("{")) return parseUltralyticsNames(trimmed);
  const lines = trimmed.split(/\r?\n/).map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
  if (lines.length > 0 && lines.every((l) => /^\d+\s*:/.test(l))) {
    const names: string[] = [];
    for (const l of lines) {
      const [, id, name] = /^(\d+)\s*:\s*(.*)$/.exec(l)!;
      names[Number(id)] = name.replace(/^(['"])(.*)\1$/, "$2");
    }
    return names;
  }
  return lines;
}
