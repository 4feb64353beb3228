/**
 * The metadata_props of an ONNX file (ModelProto field 14: repeated StringStringEntryProto { key = 1; value = 2 }),
 * read by walking the top-level protobuf fields: the (large) graph is skipped, never decoded. onnxruntime-node
 * does not expose model metadata.
 */
export function readOnnxMetadataProps(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const reader = new ProtoReader(bytes, 0, bytes.length);
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 14 && wireType === 2) {
      const entry = reader.subReader();
      let key = "";
      let value = "";
      while (!entry.done) {
        const t = entry.tag();
        if (t.wireType === 2 && (t.field === 1 || t.field === 2)) {
          const text = entry.string();
          if (t.field === 1) key = text;
          else value = text;
        } else entry.skip(t.wireType);
      }
      props[key] = value;
    } else reader.skip(wireType);
  }
  return props;
}

class ProtoReader {
  constructor(
    private readonly bytes: Uint8Array,
    private pos: number,
    private readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  tag(): { field: number; wireType: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wireType: t % 8 };
  }

  varint(): number {
    let result = 0;
    let factor = 1;
    for (;;) {
      if (this.pos >= this.end) throw new RangeError("truncated ONNX file");
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * factor;
      if (b < 0x80) return result;
      factor *= 128;
    }
  }

  subReader(): ProtoReader {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new RangeError("truncated ONNX file");
    return new ProtoReader(this.bytes, start, start + length);
  }

  string(): string {
    const sub = this.subReader();
    return Buffer.from(sub.bytes.buffer, sub.bytes.byteOffset + sub.pos, sub.end - sub.pos).toString("utf8");
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.subReader();
    else if (wireType === 5) this.pos += 4;
    else throw new RangeError(`unsupported protobuf wire type ${wireType}`);
    if (this.pos > this.end) throw new RangeError("truncated ONNX file");
  }
}
