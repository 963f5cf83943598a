/**
 * Vega-Lite spec → SVG, headless. vega and vega-lite ship as ES modules with a
 * top-level await, so they are loaded with a native dynamic import that the
 * CommonJS build leaves untouched.
 */
type VegaLite = { compile(spec: unknown): { spec: unknown } };
type Vega = {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, opts: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
};

const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let loaded: Promise<{ vega: Vega; vl: VegaLite }> | undefined;
function load() {
  loaded ??= Promise.all([importEsm('vega'), importEsm('vega-lite')]).then(([vega, vl]) => ({ vega: vega as Vega, vl: vl as VegaLite }));
  return loaded;
}

export async function renderSvg(spec: unknown): Promise<string> {
  const { vega, vl } = await load();
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
