// A module-resolution hook (node:module register): where Ink's own modules import its measure-text.js and
// wrap-text.js, they get our bounded stand-ins. It only maps the exact URLs ink-caches.ts passes in.

interface LoaderData {
  /** file: URL Ink's module would load → file: URL of our stand-in. */
  readonly redirects: Readonly<Record<string, string>>;
}
interface Resolved {
  readonly url: string;
  readonly format?: string | null;
  readonly shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

let redirects: Readonly<Record<string, string>> = {};

export function initialize(data: LoaderData): void {
  redirects = data.redirects;
}

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<Resolved> {
  const r = await next(specifier, context);
  const to = Object.hasOwn(redirects, r.url) ? redirects[r.url] : undefined;
  return to === undefined ? r : { ...r, url: to };
}
