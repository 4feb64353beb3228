export interface DockerInstruction {
  keyword: string;
  args: string;
  /** Name of the stage (`FROM … AS name`, else its index) the instruction belongs to. */
  stage: string;
}

/** A small Dockerfile reader: comments dropped, `\` continuations joined, instructions tagged with their stage. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    logical.push((pending + line).trim());
    pending = "";
  }
  const result: DockerInstruction[] = [];
  let stage = "";
  let stages = 0;
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword.toUpperCase();
    if (upper === "FROM") stage = /\sAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages++);
    result.push({ keyword: upper, args: upper === "FROM" ? args.replace(/\s+AS\s+\S+$/i, "") : args, stage });
  }
  return result;
}
