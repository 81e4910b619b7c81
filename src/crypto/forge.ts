import * as forgeModule from 'node-forge';

/**
 * node-forge, the one way this layer imports it. node-forge is CommonJS (`module.exports = forge`), and
 * Node's ESM loader cannot see its properties as named exports, so at run time the API is only the
 * namespace's `default`; its type declarations, though, describe named exports and no default, so
 * `import forge from 'node-forge'` does not type-check without `allowSyntheticDefaultImports`. This
 * module bridges the two once.
 */
export const forge: typeof forgeModule = (forgeModule as unknown as { default?: typeof forgeModule }).default ?? forgeModule;

/** A node-forge ASN.1 node. */
export type Asn1 = forgeModule.asn1.Asn1;
