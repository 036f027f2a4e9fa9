// Copies the built files Sammen needs out of node_modules (run by scripts/vendor_static.sh).
//
// Output, all committed:
//   sammen/static/vendor/designsystemet/  index.css, theme.css (Designsystemet's default theme)
//   sammen/static/vendor/inter/           inter.css + woff2 files (Designsystemet's typeface)
//   sammen/static/vendor/htmx/            htmx.min.js
//   tests/browser/vendor/                 axe.min.js (tests only, never served)
// each with the package's LICENSE and a VENDORED.md naming package and version.
//
// Our CSP allows no third-party host (sammen/web/middleware.py), so remote @imports are removed
// and any other reference to a remote URL in a stylesheet stops the script.

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const staticVendor = join(root, "sammen", "static", "vendor");

function pkg(name) {
  const meta = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  return { name, version: meta.version, license: meta.license, dir: join(modules, name) };
}

function freshDir(path) {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return path;
}

function vendoredMd(p, purpose, files) {
  const rows = files.map(([to, from]) => `| \`${to}\` | \`${from}\` |`).join("\n");
  return `# Vendored: ${p.name} ${p.version}

${purpose}

- Package: [\`${p.name}\`](https://www.npmjs.com/package/${p.name}) version **${p.version}**, from the npm registry
- Licence: ${p.license} (see \`LICENSE\` beside this file)
- Pinned in \`package.json\` / \`package-lock.json\`; regenerate with \`make static\`
  (\`scripts/vendor_static.sh\`). Do not edit these files by hand.

| file here | copied from the package |
|---|---|
${rows}
`;
}

// Data URIs may name the SVG namespace (http://www.w3.org/2000/svg): that is not a fetch.
function withoutDataUris(css) {
  return css.replace(/url\(\s*(["']?)data:[\s\S]*?\1\s*\)/g, "url()");
}

function localOnly(css, label) {
  const stripped = css.replace(
    /@import\s+(?:url\(\s*(["']?)(?:https?:)?\/\/[^"')]*\1\s*\)|(["'])(?:https?:)?\/\/[^"']*\2)[^;]*;/gi,
    (statement) => {
      console.log(`vendor_static: removed a remote @import from ${label}: ${statement.slice(0, 80)}`);
      return "";
    },
  );
  const remote = withoutDataUris(stripped).match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi);
  if (remote) {
    throw new Error(`${label} refers to remote URLs our CSP blocks: ${[...new Set(remote)].join(", ")}`);
  }
  return stripped;
}

function vendorDesignsystemet() {
  const p = pkg("@digdir/designsystemet-css");
  const out = freshDir(join(staticVendor, "designsystemet"));
  const files = [
    ["index.css", "dist/src/index.css"],
    ["theme.css", "dist/theme/designsystemet.css"],
  ];
  for (const [to, from] of files) {
    const css = readFileSync(join(p.dir, from), "utf8");
    writeFileSync(join(out, to), localOnly(css, `${p.name}/${from}`));
  }
  copyFileSync(join(p.dir, "LICENSE"), join(out, "LICENSE"));
  writeFileSync(
    join(out, "VENDORED.md"),
    vendoredMd(
      p,
      "Designsystemet, the Norwegian public sector's design system (Digdir): the component CSS and " +
        "its default theme (the package's `./theme` export, built from the same release; the separate " +
        "`@digdir/designsystemet-theme` package is deprecated in its favour).",
      files.concat([["LICENSE", "LICENSE"]]),
    ),
  );
  return p;
}

// Inter is the typeface Designsystemet's theme names (--ds-font-family). We serve it ourselves:
// the weights the components use, in the scripts Sammen's languages need (Norwegian, English,
// Polish, Somali: latin and latin-ext; Ukrainian: cyrillic). Arabic falls back to system fonts.
const INTER_WEIGHTS = ["400", "500", "600"];
const INTER_SUBSETS = ["latin", "latin-ext", "cyrillic"];

function vendorInter() {
  const p = pkg("@fontsource/inter");
  const out = freshDir(join(staticVendor, "inter"));
  mkdirSync(join(out, "files"));
  const blocks = [];
  const files = [];
  for (const weight of INTER_WEIGHTS) {
    const css = readFileSync(join(p.dir, `${weight}.css`), "utf8");
    for (const subset of INTER_SUBSETS) {
      const name = `inter-${subset}-${weight}-normal.woff2`;
      const block = css.match(
        new RegExp(`/\\* inter-${subset}-${weight}-normal \\*/\\s*@font-face\\s*\\{[^}]*\\}`),
      );
      if (!block) throw new Error(`@fontsource/inter ${weight}.css has no ${subset} block`);
      const range = block[0].match(/unicode-range:\s*([^;]+);/);
      if (!range) throw new Error(`@fontsource/inter ${weight}.css ${subset}: no unicode-range`);
      blocks.push(
        `/* inter-${subset}-${weight}-normal */\n@font-face {\n  font-family: "Inter";\n` +
          `  font-style: normal;\n  font-display: swap;\n  font-weight: ${weight};\n` +
          `  src: url("files/${name}") format("woff2");\n  unicode-range: ${range[1].trim()};\n}\n`,
      );
      copyFileSync(join(p.dir, "files", name), join(out, "files", name));
      files.push([`files/${name}`, `files/${name}`]);
    }
  }
  const header = `/* Inter ${p.version} from ${p.name} (SIL OFL 1.1): generated by scripts/vendor_static.mjs */\n`;
  writeFileSync(join(out, "inter.css"), localOnly(header + blocks.join("\n"), "inter.css"));
  copyFileSync(join(p.dir, "LICENSE"), join(out, "LICENSE"));
  writeFileSync(
    join(out, "VENDORED.md"),
    vendoredMd(
      p,
      "The Inter typeface that Designsystemet's theme uses, served from our own origin. `inter.css` " +
        `is written by the script from the package's ${INTER_WEIGHTS.join("/")}.css, keeping the ` +
        `${INTER_SUBSETS.join(", ")} subsets and the woff2 format only.`,
      [["inter.css", `${INTER_WEIGHTS.map((w) => `${w}.css`).join(", ")} (filtered)`]]
        .concat(files)
        .concat([["LICENSE", "LICENSE"]]),
    ),
  );
  return p;
}

function vendorHtmx() {
  const p = pkg("htmx.org");
  if (!p.version.startsWith("2.")) throw new Error(`htmx.org must be 2.x, got ${p.version}`);
  const out = freshDir(join(staticVendor, "htmx"));
  copyFileSync(join(p.dir, "dist", "htmx.min.js"), join(out, "htmx.min.js"));
  copyFileSync(join(p.dir, "LICENSE"), join(out, "LICENSE"));
  writeFileSync(
    join(out, "VENDORED.md"),
    vendoredMd(
      p,
      "htmx 2, for the small interactive fragments. Its configuration is read from the " +
        "`htmx-config` meta tag in `base.html` (indicator styles off, so style-src needs no " +
        "'unsafe-inline').",
      [
        ["htmx.min.js", "dist/htmx.min.js"],
        ["LICENSE", "LICENSE"],
      ],
    ),
  );
  return p;
}

function vendorAxe() {
  const p = pkg("axe-core");
  const out = freshDir(join(root, "tests", "browser", "vendor"));
  copyFileSync(join(p.dir, "axe.min.js"), join(out, "axe.min.js"));
  copyFileSync(join(p.dir, "LICENSE"), join(out, "LICENSE"));
  writeFileSync(
    join(out, "VENDORED.md"),
    vendoredMd(
      p,
      "axe-core, the accessibility rules engine the browser tests inject into each page " +
        "(tests/browser/axe.py). Used by tests only; never served by Sammen.",
      [
        ["axe.min.js", "axe.min.js"],
        ["LICENSE", "LICENSE"],
      ],
    ),
  );
  return p;
}

const done = [vendorDesignsystemet(), vendorInter(), vendorHtmx(), vendorAxe()];
for (const p of done) console.log(`vendor_static: ${p.name} ${p.version}`);
