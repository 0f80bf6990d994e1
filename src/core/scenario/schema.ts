/** Keys allowed under a YAML path with their descriptions. */
export function childKeys(path: readonly (string | number)[]): { key: string; description: string; required: boolean }[] {
  void path;
  return [];
}

/** The schema's description of the field at a path, or undefined. */
export function fieldDoc(path: readonly (string | number)[]): { description: string; type?: string; enum?: string[]; default?: unknown } | undefined {
  void path;
  return undefined;
}
