import { constants } from 'node:crypto';

/** RSA-PSS over SHA-256 with a 32-byte salt: every signature fastchat makes (envelopes, key changes). */
export const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;
