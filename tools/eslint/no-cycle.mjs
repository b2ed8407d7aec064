// `admit/no-cycle`: an import that leads back to the importing file, directly or through other files
// (type-only imports and re-exports count, as for madge). Imports resolve as tsc resolves them (the
// tsconfig.base.json path aliases included); packages in node_modules are not followed. Nx's
// enforce-module-boundaries already refuses a cycle between projects; this catches the ones inside a
// project too. The import graph is read from disk once per ESLint process.
import ts from 'typescript';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { options } = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config, ts.sys, root);
const cache = ts.createModuleResolutionCache(root, (name) => name, options);
const importsByFile = new Map();

function resolve(specifier, from) {
  const found = ts.resolveModuleName(specifier, from, options, ts.sys, cache).resolvedModule;
  if (!found || found.isExternalLibraryImport || found.extension === ts.Extension.Dts) return undefined;
  return found.resolvedFileName.includes('/node_modules/') ? undefined : found.resolvedFileName;
}

function importsOf(file) {
  let targets = importsByFile.get(file);
  if (!targets) {
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
    targets = new Set(importedFiles.map(({ fileName }) => resolve(fileName, file)).filter(Boolean));
    importsByFile.set(file, targets);
  }
  return targets;
}

/** The shortest chain of imports from `from` to `to` (both included), or undefined. */
function chain(from, to) {
  const previous = new Map([[from, undefined]]);
  for (const queue = [from]; queue.length > 0; ) {
    const file = queue.shift();
    if (file === to) {
      const files = [];
      for (let at = file; at !== undefined; at = previous.get(at)) files.unshift(at);
      return files;
    }
    for (const next of importsOf(file)) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return undefined;
}

export const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid an import that leads back to the importing file' },
    messages: { cycle: 'Import cycle: {{cycle}}' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const target = resolve(specifier, file);
      const files = target && target !== file ? chain(target, file) : undefined;
      if (files) context.report({ node, messageId: 'cycle', data: { cycle: [file, ...files].map((f) => relative(root, f)).join(' -> ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ImportExpression: (node) => check(node, node.source.value),
      TSImportType: (node) => check(node, node.argument?.literal?.value),
      TSExternalModuleReference: (node) => check(node, node.expression.value),
      'CallExpression[callee.name="require"]': (node) => check(node, node.arguments[0]?.value),
    };
  },
};
