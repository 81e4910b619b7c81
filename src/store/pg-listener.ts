import pg from 'pg';

/** A reconnect attempt finished after the listener was stopped; it is dropped, not reported. */
class ListenerStoppedError extends Error {
  override readonly name = 'ListenerStoppedError';
}

/** Channel names are fixed identifiers chosen by the code, never input: LISTEN cannot take a parameter. */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A LISTEN connection that stays up: on error or end it reconnects with backoff (250 ms doubling to
 * 10 s) and calls `onReconnect`, because NOTIFYs sent while it was down are gone.
 */
export async function listenOn(
  config: pg.ClientConfig,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect: () => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new RangeError(`invalid channel name ${channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    const lost = () => {
      if (stopped || client !== next) return;
      client = undefined;
      next.removeAllListeners('error');
      next.on('error', () => undefined); // the client is being dropped: later errors have no one to tell
      void next.end().catch(() => undefined);
      schedule(250);
    };
    next.on('error', lost);
    next.on('end', lost);
    try {
      await next.connect();
      // An identifier cannot be a parameter: the name is checked above and quoted here.
      await next.query('LISTEN ' + next.escapeIdentifier(channel));
    } catch (error) {
      // Connected but LISTEN failed (the server shutting down meanwhile): without this end() each
      // retry would leave a connection open. Errors after this point have no one to tell.
      next.on('error', () => undefined);
      void next.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      // Stopped while this attempt was connecting: nobody will end it later.
      void next.end().catch(() => undefined);
      throw new ListenerStoppedError();
    }
    client = next;
  };

  const schedule = (delayMs: number) => {
    retry = setTimeout(() => {
      connect().then(onReconnect, () => {
        if (!stopped) schedule(Math.min(10_000, delayMs * 2));
      });
    }, delayMs);
    retry.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const current = client;
    client = undefined;
    await current?.end().catch(() => undefined);
  };
}
