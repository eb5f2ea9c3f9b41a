/**
 * The look of every text field, select and textarea: a ring that turns red when the field has an error.
 * @example <select class={controlClass(c.invalid, 'h-9 px-3')}>  <input class={controlClass(false, 'h-8 px-2', 'w-56')}>
 */
export function controlClass(invalid = false, extra = '', width = 'w-full'): string {
  const ring = invalid ? 'ring-red-400 focus:ring-red-600' : 'ring-slate-300 focus:ring-indigo-600';
  return `block ${width} rounded-md border-0 bg-white text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 ${ring} ${extra}`.trim();
}
