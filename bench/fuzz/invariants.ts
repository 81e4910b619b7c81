import type { Queryable } from '../../src/store/database.js';

/**
 * What the store must hold after any input (schema.sql's rules, checked read-only): each query
 * returns the rows that break one rule, so an empty result is a pass.
 */
const CHECKS: ReadonlyArray<readonly [string, string]> = [
  ['user name outside the name pattern', `SELECT id, name FROM users WHERE name !~ '^[A-Za-z][A-Za-z0-9_.-]{2,31}$'`],
  [
    'message in a conversation that does not exist',
    `SELECT m.mid FROM messages m LEFT JOIN conversations c ON c.id = m.conversation_id WHERE c.id IS NULL`,
  ],
  ['message from a user who does not exist', `SELECT m.mid FROM messages m LEFT JOIN users u ON u.id = m.sender_id WHERE u.id IS NULL`],
  [
    'message from a sender who never was a member',
    `SELECT m.mid FROM messages m WHERE NOT EXISTS
       (SELECT 1 FROM members x WHERE x.conversation_id = m.conversation_id AND x.user_id = m.sender_id)`,
  ],
  [
    'message seq outside 1..last_seq',
    `SELECT m.mid FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.seq < 1 OR m.seq > c.last_seq`,
  ],
  [
    'message body or client id out of bounds',
    `SELECT mid FROM messages WHERE kind = 'message' AND (length(body) NOT BETWEEN 1 AND 65536 OR length(client_id) NOT BETWEEN 1 AND 64 OR client_id LIKE 'event:%')`,
  ],
  [
    'member of a missing user or conversation',
    `SELECT x.conversation_id, x.user_id FROM members x LEFT JOIN users u ON u.id = x.user_id LEFT JOIN conversations c ON c.id = x.conversation_id WHERE u.id IS NULL OR c.id IS NULL`,
  ],
  [
    'group name blank or too long',
    `SELECT id FROM conversations WHERE kind = 'group' AND (name IS NULL OR name !~ '\\S' OR length(name) > 64)`,
  ],
  [
    'direct conversation whose members are not its two users',
    `SELECT c.id FROM conversations c WHERE c.kind = 'direct' AND (SELECT count(*) FROM members x WHERE x.conversation_id = c.id) > 2`,
  ],
  ['member window inverted', `SELECT conversation_id, user_id FROM members WHERE left_seq IS NOT NULL AND left_seq < joined_seq`],
];

/** Runs every check; returns one line per broken rule, with a few offending rows. */
export async function checkStore(db: Queryable): Promise<string[]> {
  const broken: string[] = [];
  for (const [rule, sql] of CHECKS) {
    const { rows } = await db.query(`${sql} LIMIT 5`);
    if (rows.length) broken.push(`${rule}: ${JSON.stringify(rows)}`);
  }
  return broken;
}
