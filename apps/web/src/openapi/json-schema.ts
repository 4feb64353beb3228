import { z } from "zod";
import { apiRegistry, integerParams } from "../api-schemas";

type JsonSchema = Record<string, unknown>;
const componentRef = (id: string) => `#/components/schemas/${id}`;

/** A strict integer is parsed from a string of digits, and published as the integer it stands for. */
const override = (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
  const meta = integerParams.get(ctx.zodSchema as z.ZodType);
  if (!meta) return;
  for (const key of ["type", "pattern", "format", "minLength", "maxLength"]) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, { type: "integer", ...meta });
};

/** Every registered schema as an OpenAPI 3.1 component (JSON Schema 2020-12), referring to each other by $ref. */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiRegistry, { target: "draft-2020-12", uri: componentRef, io: "output", override });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}

/** A $ref for a registered schema, else the schema inline (as its input: what a client sends). */
export function schemaOrRef(schema: z.ZodType, io: "input" | "output" = "output"): JsonSchema {
  const meta = apiRegistry.get(schema);
  if (meta?.id) return { $ref: componentRef(meta.id) };
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", override }) as JsonSchema;
  return rest;
}

/** OpenAPI parameters (path or query) from the properties of a zod object. */
export function parametersOf(schema: z.ZodObject, where: "path" | "query"): JsonSchema[] {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any", override }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}
