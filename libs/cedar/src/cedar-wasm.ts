import { setFlagsFromString } from 'node:v8';

/**
 * Cedar's WebAssembly build, the only way Admit reaches it.
 *
 * Node 20's V8 (11.3) aborts the whole process ("Fatal error … unreachable code" in
 * `Deoptimizer::DoComputeBuiltinContinuation`, SIGTRAP) when it lazily deoptimizes a function into
 * which TurboFan inlined a JS-to-Wasm call. Every caller of Cedar is such a function: under
 * sustained access checks intake died within about 60,000 checks. Not inlining those calls avoids
 * it. The flag is set when this module loads, before any Cedar caller can have been optimized.
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export * as cedar from '@cedar-policy/cedar-wasm/nodejs';
export type { CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
