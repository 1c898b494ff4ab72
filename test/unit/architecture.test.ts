/**
 * The house's structural rules that lint does not cover: no circular imports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(name)) out.push(resolve(path));
  }
  return out;
}

/**
 * Relative imports and re-exports, `import type` included.
 *
 * A cycle through types alone costs nothing at run time, but it still ties two modules together so
 * that neither can be read, moved or layered without the other.
 */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+[^'";]*?from\s+'(\.[^']+)'/gm)) {
    const base = resolve(dirname(file), m[1] as string);
    const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(existsSync);
    if (found) out.push(found);
  }
  return out;
}

describe('architecture', () => {
  it('has no circular imports in electron/ or renderer/, type imports included', () => {
    const files = [...sources(join(ROOT, 'electron')), ...sources(join(ROOT, 'renderer', 'src'))];
    const graph = new Map(files.map((f) => [f, relativeImports(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const dep of graph.get(file) ?? []) {
        if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep].map((p) => relative(ROOT, p)).join(' -> '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(files.length).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
