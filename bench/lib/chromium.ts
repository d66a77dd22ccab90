/**
 * The headless Chromium that the browser tests and bench:web drive with playwright-core (which
 * never downloads a browser). Which one, in order:
 * 1. `CHROMIUM_PATH`, when set;
 * 2. the system's `/usr/bin/chromium` (Debian's package), when installed;
 * 3. the Chromium that `npm install` brought: `@sparticuz/chromium` ships a brotli-packed
 *    headless shell inside its npm tarball, so a machine where nothing was installed by hand
 *    still has a browser. It is unpacked once per package version into
 *    `node_modules/.cache/nooble-chromium/<version>/` (written to a temporary folder and
 *    renamed, so an interrupted or concurrent unpack never leaves a half-written browser).
 *
 * The bundled browser is built for Amazon Linux: besides glibc it needs NSS and expat, which
 * the package ships too (`al2023.tar.br`). They are unpacked beside it and put on the
 * browser's LD_LIBRARY_PATH, with a fontconfig file naming the bundled fonts and the
 * system's, so it runs the same on a machine without those libraries or fonts.
 *
 * Playwright gives every launch a fresh, empty profile; the flags keep Chromium from reaching
 * for Google's services, which this machine's closed network refuses.
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { chromium, type Browser } from "playwright-core";
import { extract } from "tar-fs";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export interface ResolvedChromium {
  executablePath: string;
  /** Where it came from, for logs: which of the three paths above was taken. */
  source: "CHROMIUM_PATH" | "system" | "bundled";
  /** Extra environment for the browser process (the bundled one's libraries and fonts). */
  env: Record<string, string>;
}

const root = new URL("../..", import.meta.url).pathname;

/** The browser to launch, unpacking the bundled one first if it is the one to use. */
export async function resolveChromium(): Promise<ResolvedChromium> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return { executablePath: fromEnv, source: "CHROMIUM_PATH", env: {} };
  if (existsSync(SYSTEM_CHROMIUM))
    return { executablePath: SYSTEM_CHROMIUM, source: "system", env: {} };
  const dir = await unpackBundledChromium();
  return {
    executablePath: join(dir, "chromium"),
    source: "bundled",
    env: {
      LD_LIBRARY_PATH: [join(dir, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_FILE: join(dir, "fonts.conf"),
    },
  };
}

let resolved: Promise<ResolvedChromium> | undefined;

export async function launchChromium(): Promise<Browser> {
  resolved ??= resolveChromium();
  const { executablePath, env, source } = await resolved;
  logOnce(`chromium: ${source} ${executablePath}`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...stringEnv(), ...env },
  });
}

let logged = false;
const logOnce = (line: string) => {
  if (!logged) console.log(line);
  logged = true;
};

const stringEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

/** Unpacks @sparticuz/chromium's browser, libraries and fonts once; returns their folder. */
export async function unpackBundledChromium(): Promise<string> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(dirname(require.resolve("@sparticuz/chromium")));
  } catch {
    throw new Error(
      `No Chromium: CHROMIUM_PATH is unset, ${SYSTEM_CHROMIUM} does not exist and @sparticuz/chromium is not installed (run npm install).`,
    );
  }
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  const cache = join(root, "node_modules/.cache/nooble-chromium");
  const dir = join(cache, version);
  if (existsSync(join(dir, "chromium"))) return dir;

  const bin = join(packageDir, "bin");
  const partial = join(cache, `${version}.partial-${process.pid}-${Date.now()}`);
  await mkdir(partial, { recursive: true });
  try {
    await Promise.all([
      pipeline(
        createReadStream(join(bin, "chromium.br")),
        createBrotliDecompress(),
        createWriteStream(join(partial, "chromium")),
      ),
      // al2023.tar.br holds lib/*.so; fonts.tar.br holds fonts/ and a fonts.conf replaced below.
      pipeline(
        createReadStream(join(bin, "al2023.tar.br")),
        createBrotliDecompress(),
        extract(partial),
      ),
      pipeline(
        createReadStream(join(bin, "fonts.tar.br")),
        createBrotliDecompress(),
        extract(partial),
      ),
    ]);
    await chmod(join(partial, "chromium"), 0o755);
    await writeFile(
      join(partial, "fonts.conf"),
      fontsConf(join(dir, "fonts"), join(dir, "fonts-cache")),
    );
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another process finished the same unpack first: its copy is complete, use it.
    if (existsSync(join(dir, "chromium"))) return dir;
    throw error;
  }
  return dir;
}

/** The package's own fonts.conf names Lambda's folders; this one names ours and the system's. */
const fontsConf = (fonts: string, cacheDir: string) => `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fonts}</dir>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <cachedir>${cacheDir}</cachedir>
</fontconfig>
`;
