// Display width for yargs' help layout, bundled instead of string-width (see scripts/build.mjs).
//
// string-width compiles Unicode emoji property regexes when its module loads: about 30 ms on
// every start of v-auto, help or not. v-auto's help text is ASCII, where the width is the length
// once colour codes are removed.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export default function textWidth(text: string): number {
  return typeof text === 'string' ? text.replace(ANSI, '').length : 0;
}
