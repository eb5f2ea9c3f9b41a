import * as z from 'zod';

/**
 * Imported first by the Lambda entries, before any schema is built: zod then validates without compiling a
 * parser per object schema (`new Function` on its first parse). In a Lambda most schemas are parsed once or
 * twice per container, so compiling them costs more at a cold start than it ever saves; the checks are the same.
 */
z.config({ jitless: true });
