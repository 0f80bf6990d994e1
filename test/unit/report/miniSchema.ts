/**
 * A small JSON Schema checker for the keywords schemas/report.schema.json uses (type, const, enum,
 * properties, required, additionalProperties, items, minItems, maxItems, minimum, maximum, anyOf, $ref
 * into $defs), so the report test needs no extra dependency. Returns the problems with their JSON path.
 */
type Schema = Record<string, unknown>;

export function checkSchema(root: Schema, value: unknown): string[] {
  const problems: string[] = [];
  const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  const check = (schema: Schema, v: unknown, at: string, out: string[]): void => {
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/$defs/', '');
      const def = (root.$defs as Record<string, Schema>)[name];
      if (!def) throw new Error(`unknown $ref ${schema.$ref}`);
      check(def, v, at, out);
      return;
    }
    if (Array.isArray(schema.anyOf)) {
      const branches = (schema.anyOf as Schema[]).map((b) => {
        const o: string[] = [];
        check(b, v, at, o);
        return o;
      });
      if (!branches.some((b) => b.length === 0)) out.push(`${at}: matches no anyOf branch (${branches.map((b) => b[0]).join(' / ')})`);
      return;
    }
    if ('const' in schema && v !== schema.const) out.push(`${at}: ${JSON.stringify(v)} is not ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      const t = typeOf(v);
      if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) {
        out.push(`${at}: is ${t}, expected ${types.join('|')}`);
        return;
      }
    }
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) out.push(`${at}: ${v} < ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && v > schema.maximum) out.push(`${at}: ${v} > ${schema.maximum}`);
    }
    if (Array.isArray(v)) {
      if (typeof schema.minItems === 'number' && v.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`);
      if (schema.items) v.forEach((x, i) => check(schema.items as Schema, x, `${at}[${i}]`, out));
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) if (!(r in o)) out.push(`${at}: missing ${r}`);
      for (const [k, x] of Object.entries(o)) {
        if (props[k]) check(props[k], x, `${at}.${k}`, out);
        else if (schema.additionalProperties === false) out.push(`${at}: unexpected property ${k}`);
        else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(schema.additionalProperties as Schema, x, `${at}.${k}`, out);
      }
    }
  };
  check(root, value, '$', problems);
  return problems;
}
