/** Protocol limits and their defaults. Every one is named in docs/protocol.md § Limits. */

/** Largest frame body accepted, in bytes. @default 1 MiB */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Hard ceiling for a configured frame limit. Keeping every legal length below 16 MiB keeps the
 * first byte of a framed connection 0x00, which is what codec sniffing relies on (protocol.md § Sniffing).
 */
export const MAX_FRAME_BYTES_CEILING = 16 * 1024 * 1024 - 1;

/** Largest unfinished legacy JSON object held in memory, in bytes. @default 64 KiB */
export const DEFAULT_LEGACY_MAX_OBJECT_BYTES = 64 * 1024;

/** Deepest nesting of a legacy JSON object. The 2022 protocol nests three levels at most. @default 32 */
export const DEFAULT_LEGACY_MAX_DEPTH = 32;

/** Size of the frame length prefix, in bytes. */
export const FRAME_HEADER_BYTES = 4;
