import schemaJson from '../../../schemas/dilemma.schema.json';

/** The subset of JSON Schema that schemas/dilemma.schema.json uses. */
interface SchemaNode {
  $ref?: string;
  description?: string;
  type?: string | string[];
  enum?: string[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: { enum?: string[] };
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
}

const root = schemaJson as unknown as SchemaNode;

/** The whole scenario JSON Schema, as shipped in schemas/dilemma.schema.json. */
export const scenarioSchema: Readonly<Record<string, unknown>> = schemaJson;

/** Follows `$ref`s, keeping the referring node's own description (it is the more specific one). */
function deref(node: SchemaNode): SchemaNode {
  let n = node;
  let description = node.description;
  for (let hops = 0; n.$ref && hops < 8; hops++) {
    const name = n.$ref.replace('#/definitions/', '');
    const target = root.definitions?.[name];
    if (!target) break;
    n = target;
    description ??= n.description;
  }
  return description === n.description ? n : { ...n, description };
}

/** Picks the branch of a `oneOf` that can hold a child addressed by `segment`. */
function branchFor(node: SchemaNode, segment: string | number | undefined): SchemaNode {
  if (!node.oneOf) return node;
  const want = typeof segment === 'number' ? 'array' : 'object';
  const found = node.oneOf.map(deref).find((b) => b.type === want || (segment === undefined && b.type === 'object'));
  return found ? { ...found, description: found.description ?? node.description } : node;
}

function resolve(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = deref(root);
  for (const segment of path) {
    if (!node) return undefined;
    const n: SchemaNode = branchFor(node, segment);
    let next: SchemaNode | undefined;
    if (typeof segment === 'number') next = n.items;
    else {
      next = n.properties?.[segment];
      if (!next && typeof n.additionalProperties === 'object') next = n.additionalProperties;
    }
    node = next ? deref(next) : undefined;
  }
  return node;
}

/**
 * Keys allowed under a YAML path (e.g. [] -> top-level keys, ['run'], ['values','privacy','scale'],
 * ['variants',0,'action']) with their descriptions. Empty when the path is not an object with fixed keys.
 */
export function childKeys(path: readonly (string | number)[]): { key: string; description: string; required: boolean }[] {
  const found = resolve(path);
  if (!found) return [];
  const node = branchFor(found, undefined);
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).map(([key, child]) => ({
    key,
    description: deref(child).description ?? '',
    required: required.has(key),
  }));
}

/** The schema's description of the field at a path, or undefined. */
export function fieldDoc(
  path: readonly (string | number)[],
): { description: string; type?: string; enum?: string[]; default?: unknown } | undefined {
  const node = resolve(path);
  if (!node) return undefined;
  const description = node.description ?? node.oneOf?.map(deref).find((b) => b.description)?.description;
  if (description === undefined) return undefined;
  const type = Array.isArray(node.type) ? node.type.join(' | ') : node.type ?? node.oneOf?.map((b) => deref(b).type).join(' | ');
  const out: { description: string; type?: string; enum?: string[]; default?: unknown } = { description };
  if (type) out.type = type;
  if (node.enum) out.enum = [...node.enum];
  if (node.default !== undefined) out.default = node.default;
  return out;
}
