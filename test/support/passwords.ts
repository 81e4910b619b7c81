/**
 * The password a test user has unless a test says otherwise: strong enough for the CLI's and the
 * TUI's strength check at signup (src/client/password-strength.ts), and easy to tell apart per user.
 */
export function passwordOf(user: string): string {
  return `${user} test phrase`;
}
