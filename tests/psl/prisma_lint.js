// Prisma's own schema diagnostics, with their exact spans, for nexo's compatibility tests.
//
// Loads the prisma-schema WebAssembly module shipped inside the pinned Prisma CLI
// (node_modules/prisma/build/prisma_schema_build_bg.wasm) and calls its `lint` export, which is
// what Prisma's language server uses: it validates a schema and returns every error with the byte
// span Prisma marks. (The CLI itself prints only line numbers.)
//
// usage: node prisma_lint.js <path of prisma_schema_build_bg.wasm>
// stdin:  a JSON array; each element is one schema: a string (one file) or [[fileName, text], ...]
// stdout: a JSON array (same order) of arrays of {file_name, start, end, text, is_warning}
"use strict";
const fs = require("fs");

const module_ = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let wasm;
const bytes = () => new Uint8Array(wasm.memory.buffer);
const read = (ptr, len) => decoder.decode(bytes().subarray(ptr, ptr + len));

// The four imports the module declares (wasm-bindgen glue): error construction, panics, externrefs.
const imports = {};
for (const imp of WebAssembly.Module.imports(module_)) {
  const ns = (imports[imp.module] = imports[imp.module] || {});
  if (imp.name.includes("set_message")) ns[imp.name] = (p, n) => process.stderr.write("prisma-schema-wasm panic: " + read(p, n) + "\n");
  else if (imp.name.includes("Error")) ns[imp.name] = (p, n) => Error(read(p, n));
  else if (imp.name.includes("throw")) ns[imp.name] = (p, n) => { throw new Error(read(p, n)); };
  else if (imp.name.includes("init_externref_table")) ns[imp.name] = () => {
    const table = wasm.__wbindgen_externrefs;
    const at = table.grow(4);
    table.set(0, undefined); table.set(at, undefined); table.set(at + 1, null); table.set(at + 2, true); table.set(at + 3, false);
  };
  else ns[imp.name] = () => { throw new Error("unexpected wasm import " + imp.name); };
}
wasm = new WebAssembly.Instance(module_, imports).exports;
if (wasm.__wbindgen_start) wasm.__wbindgen_start();

function lint(schema) {
  const input = encoder.encode(JSON.stringify(schema));
  const ptr = wasm.__wbindgen_malloc(input.length, 1) >>> 0;
  bytes().set(input, ptr);
  const [outPtr, outLen] = wasm.lint(ptr, input.length);
  try {
    return JSON.parse(read(outPtr, outLen));
  } finally {
    wasm.__wbindgen_free(outPtr, outLen, 1);
  }
}

const schemas = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(schemas.map(lint)));
