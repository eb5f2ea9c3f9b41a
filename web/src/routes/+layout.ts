// A static SPA: no server rendering, no prerendering; the Hono app serves index.html for every path.
export const ssr = false;
export const prerender = false;
