// `import text from 'file?raw'`: the file's text, inlined by esbuild (scripts/esbuild-raw.mjs's
// plugin) and by vitest (Vite's ?raw).
declare module '*?raw' {
  const text: string;
  export default text;
}
