/**
 * electron/shared runs in Node (core, api, cli) and in the browser (renderer) alike: it may import
 * nothing that only one of them has, and nothing from the layers that import it.
 *
 * Lint cannot say this on its own (the project's types include Node everywhere), so every module
 * there is read with TypeScript's parser and its imports and free names are checked.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SHARED = join(ROOT, 'electron', 'shared');

/** Packages that run unchanged in Node and in a browser, allowed after thought: none so far. */
const NEUTRAL_PACKAGES: readonly string[] = [];

const NODE_BUILTINS = new Set(builtinModules);
/** Globals only Node has, and globals only a browser page has. */
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate'];
const DOM_GLOBALS = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'HTMLElement', 'Element', 'DOMParser', 'XMLHttpRequest', 'requestAnimationFrame', 'FileReader'];

/** What is wrong with one import of a module in electron/shared, if anything. */
function importProblem(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier)) return `imports the Node module "${specifier}"`;
  if (specifier === 'electron') return 'imports electron';
  if (specifier === 'zod') return 'imports zod (schemas belong to electron/api)';
  if (!specifier.startsWith('.')) return NEUTRAL_PACKAGES.includes(specifier) ? undefined : `imports the package "${specifier}"`;
  const target = resolve(dirname(file), specifier);
  if (target === SHARED || target.startsWith(SHARED + sep)) return undefined;
  const resources = join(ROOT, 'resources') + sep;
  if (target.startsWith(resources) && target.endsWith('.json')) return undefined;
  return `imports ${relative(ROOT, target)}, outside electron/shared`;
}

/** Every import and every use of a Node-only or browser-only global in one module's text. */
function neutralityProblems(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const where = (node: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const checkSpecifier = (node: ts.Node, specifier: ts.Expression | undefined) => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const problem = importProblem(file, specifier.text);
    if (problem) problems.push(`${where(node)} ${problem}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) checkSpecifier(node, node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) checkSpecifier(node, node.moduleReference.expression);
    else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      checkSpecifier(node, node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) checkSpecifier(node, node.argument.literal);
    if (ts.isIdentifier(node) && isFreeName(node)) {
      if (NODE_GLOBALS.includes(node.text)) problems.push(`${where(node)} uses the Node global ${node.text}`);
      if (DOM_GLOBALS.includes(node.text)) problems.push(`${where(node)} uses the browser global ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

/** A name used as a value or type of its own, not a property, a key or a declaration's name. */
function isFreeName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent)) && parent.name === node) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isBindingElement(parent)) && parent.name === node) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent)) return false;
  return true;
}

function modules(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) modules(path, out);
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

describe('electron/shared', () => {
  it('imports nothing only Node or only a browser has, and nothing from core, api, cli, serve, main or renderer', () => {
    const files = modules(SHARED);
    expect(files.map((f) => relative(SHARED, f))).toContain('domain-name.ts');
    expect(files.flatMap((file) => neutralityProblems(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('catches each kind of import that breaks the rule', () => {
    const file = join(SHARED, 'example.ts');
    const check = (text: string) => neutralityProblems(file, text);
    expect(check("import { isIP } from 'node:net';")).toEqual(['electron/shared/example.ts:1 imports the Node module "node:net"']);
    expect(check("import { readFileSync } from 'fs';")).toEqual(['electron/shared/example.ts:1 imports the Node module "fs"']);
    expect(check("import { z } from 'zod';")).toEqual(['electron/shared/example.ts:1 imports zod (schemas belong to electron/api)']);
    expect(check("import { app } from 'electron';")).toEqual(['electron/shared/example.ts:1 imports electron']);
    expect(check("import { DomainSchema } from '../api/operations';")).toEqual(['electron/shared/example.ts:1 imports electron/api/operations, outside electron/shared']);
    expect(check("import type { AuditResult } from '../core/audit/types';")).toEqual(['electron/shared/example.ts:1 imports electron/core/audit/types, outside electron/shared']);
    expect(check("export { useClient } from '../../renderer/src/client/client-context';")).toEqual([
      'electron/shared/example.ts:1 imports renderer/src/client/client-context, outside electron/shared',
    ]);
    expect(check("const cli = await import('../cli/index');")).toEqual(['electron/shared/example.ts:1 imports electron/cli/index, outside electron/shared']);
    expect(check("type S = import('../serve/server').Server;")).toEqual(['electron/shared/example.ts:1 imports electron/serve/server, outside electron/shared']);
    expect(check("import { x } from 'tldts';")).toEqual(['electron/shared/example.ts:1 imports the package "tldts"']);
  });

  it('catches Node-only and browser-only globals, but not properties or names of its own', () => {
    const file = join(SHARED, 'example.ts');
    const check = (text: string) => neutralityProblems(file, text);
    expect(check('export const home = process.env.HOME;')).toEqual(['electron/shared/example.ts:1 uses the Node global process']);
    expect(check("export const b = Buffer.from('x');")).toEqual(['electron/shared/example.ts:1 uses the Node global Buffer']);
    expect(check('export const w = window.innerWidth;')).toEqual(['electron/shared/example.ts:1 uses the browser global window']);
    expect(check("export const t = typeof document === 'undefined';")).toEqual(['electron/shared/example.ts:1 uses the browser global document']);
    expect(check('export const s = localStorage.getItem("k");')).toEqual(['electron/shared/example.ts:1 uses the browser global localStorage']);
    expect(check("export const host = new URL('http://x').hostname; const o = { location: 1, process: 2 }; o.location; // window")).toEqual([]);
    expect(check("import { a } from './domain-name'; import data from '../../resources/dkim-selectors.json';")).toEqual([]);
  });
});
