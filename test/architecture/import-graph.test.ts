import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The shape of the tree: no import circles anywhere in src/; no SQL and no database call in the
 * web layer (a handler parses, authorises, calls a use case and renders); no test support
 * shipped in src/.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = join(ROOT, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const isShipped = (path: string) => !/\.(test|e2e)\.ts$/.test(path);

/** Relative imports of a file, resolved to absolute paths (type-only imports count too). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+\.ts)'/g)) {
    found.push(resolve(dirname(path), match[1] ?? ''));
  }
  return found;
}

function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') {
        found.push([...stack.slice(stack.indexOf(next)), next]);
      } else if (state.get(next) === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return found;
}

const shipped = sourceFiles(SOURCE).filter(isShipped);

test('no module in src/ imports itself through others', () => {
  const graph = new Map(shipped.map((file) => [file, importsOf(file)]));
  assert.deepEqual(
    circles(graph).map((circle) => circle.map((file) => relative(ROOT, file))),
    [],
  );
});

test('the circle finder finds a circle through several modules, and none in a tree', () => {
  const circle = new Map([
    ['app', ['routes']],
    ['routes', ['sign-in', 'forms']],
    ['sign-in', ['app']],
    ['forms', []],
  ]);
  assert.deepEqual(circles(circle), [['app', 'routes', 'sign-in', 'app']]);
  const tree = new Map([
    ['app', ['routes', 'forms']],
    ['routes', ['forms']],
    ['forms', []],
  ]);
  assert.deepEqual(circles(tree), []);
});

test('no SQL and no database handle in the web layer', () => {
  const web = shipped.filter((file) => file.startsWith(join(SOURCE, 'web')));
  const offending = web.filter((file) => {
    const text = readFileSync(file, 'utf8');
    return (
      /\.(query|transaction|runScript)\s*[<(]/.test(text) ||
      /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/.test(text)
    );
  });
  assert.deepEqual(
    offending.map((file) => relative(ROOT, file)),
    [],
  );
});

test('test harness and test data live under test/support, not in src/', () => {
  const support = shipped.filter((file) => /(^|\/)test-[\w-]+\.ts$/.test(file));
  assert.deepEqual(
    support.map((file) => relative(ROOT, file)),
    [],
  );
});
