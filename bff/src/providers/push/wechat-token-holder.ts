// ONE WeChat access_token for every BFF process and relay worker, held in the database.
// Why: each stable_token call in force mode invalidates the previous token, is limited to 20 a day, and
// any process that refreshes on its own after a 40001/42001 can make its neighbours' tokens stale in
// turn. So:
// - the current token lives in one document (`provider_tokens`, _id `wechat:<appId>`), encrypted;
// - only the process that wins a unique insert of a refresh lock (`wechat:<appId>:lock:<generation>:<n>`,
//   generation = a hash of the token being replaced, or "none") calls stable_token and writes the
//   document; FerretDB's conditional updates are not isolated, unique inserts are (README: concurrency);
// - the others keep using the current token while it is valid (refresh before expiry), or, when it was
//   rejected, wait for the document to show a different token;
// - a lock whose holder died is passed over after `lockStaleMs` by inserting lock n+1: no deletes race.
// Every process also caches the token in memory until its refresh time, so a send costs no DB read.
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { FieldCrypto } from '../../libraries/crypto';
import { isDuplicateKeyError } from '../../libraries/mongo';
import { ProviderError } from '../provider-error';
import {
  fetchWechatStableToken,
  refreshAfterMs,
  type WechatTokenSource,
  type WechatTokenSourceConfig,
} from './wechat-access-token';

type TokenDoc = {
  _id: string;
  /** Sealed access_token (present on the token document). */
  token?: string;
  /** Hash of the token, to compare without opening it. */
  tokenHash?: string;
  refreshAt?: Date;
  expiresAt?: Date;
  /** When a lock was taken. */
  at: Date;
};

const tokenSchema = new Schema<TokenDoc>(
  { _id: String, token: String, tokenHash: String, refreshAt: Date, expiresAt: Date, at: { type: Date, required: true } },
  { versionKey: false },
);

function tokenModel(connection: Connection): Model<TokenDoc> {
  return (
    (connection.models.ProviderToken as Model<TokenDoc> | undefined) ??
    connection.model<TokenDoc>('ProviderToken', tokenSchema, 'provider_tokens')
  );
}

export interface WechatTokenHolderConfig extends WechatTokenSourceConfig {
  connection: Connection;
  crypto: FieldCrypto;
  /** A lock older than this is taken to be from a process that died mid-refresh (default 30 s). */
  lockStaleMs?: number;
  /** How long a caller waits for another process's refresh before giving up (retryable), default 15 s. */
  waitMs?: number;
  /** Pause between reads while waiting for another process's refresh (default 50 ms). */
  pollMs?: number;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url').slice(0, 22);

/**
 * A WechatTokenSource shared through the database: refreshed by one process at a time, before expiry,
 * and after a rejection (40001/40014/42001) exactly once for all.
 */
export function createWechatTokenHolder(config: WechatTokenHolderConfig): WechatTokenSource {
  const now = config.now ?? Date.now;
  const Token = tokenModel(config.connection);
  const docId = `wechat:${config.appId}`;
  const context = `provider_tokens.${docId}`;
  const lockStaleMs = config.lockStaleMs ?? 30_000;
  const waitMs = config.waitMs ?? 15_000;
  const pollMs = config.pollMs ?? 50;
  let cached: { token: string; hash: string; refreshAt: number; expiresAt: number } | undefined;

  async function read() {
    const doc = await Token.findById(docId).lean<TokenDoc>();
    if (!doc?.token || !doc.tokenHash) return undefined;
    cached = {
      token: config.crypto.open(doc.token, context),
      hash: doc.tokenHash,
      refreshAt: doc.refreshAt!.getTime(),
      expiresAt: doc.expiresAt!.getTime(),
    };
    return cached;
  }

  /** Takes the refresh lock of `generation`; true when this process is the one to refresh. */
  async function takeLock(generation: string): Promise<boolean> {
    for (let n = 0; ; n++) {
      const id = `${docId}:lock:${generation}:${n}`;
      try {
        await Token.create({ _id: id, at: new Date(now()) });
        return true;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const lock = await Token.findById(id).lean<TokenDoc>();
        // A live lock: someone else refreshes. A stale one: its holder died; compete for the next.
        if (lock && now() - lock.at.getTime() < lockStaleMs) return false;
      }
    }
  }

  /** Fetches a token (normal mode, then forced if normal mode hands back `rejected`) and publishes it. */
  async function refresh(rejected?: string): Promise<string> {
    let fetched = await fetchWechatStableToken(config, false);
    // Normal mode returns the same token until the platform rotates it: a rejected one needs force mode.
    if (rejected !== undefined && fetched.token === rejected) fetched = await fetchWechatStableToken(config, true);
    const { token, lifetimeMs } = fetched;
    const refreshAt = now() + refreshAfterMs(lifetimeMs);
    const expiresAt = now() + lifetimeMs;
    const update = {
      token: config.crypto.seal(token, context),
      tokenHash: hashOf(token),
      refreshAt: new Date(refreshAt),
      expiresAt: new Date(expiresAt),
      at: new Date(now()),
    };
    // Only the lock holder of this generation writes, so this plain upsert does not race another writer.
    await Token.updateOne({ _id: docId }, { $set: update }, { upsert: true });
    cached = { token, hash: update.tokenHash, refreshAt, expiresAt };
    return token;
  }

  /** Waits for the document to hold a token other than the one with hash `replacedHash`. */
  async function waitForNew(replacedHash: string | undefined, generation: string): Promise<string> {
    const deadline = now() + waitMs;
    for (;;) {
      const current = await read();
      if (current && current.hash !== replacedHash) return current.token;
      // The refresher may have died: once its lock is stale, this process takes over.
      if (await takeLock(generation)) return refresh(undefined);
      if (now() > deadline) {
        throw new ProviderError({
          provider: 'wechat',
          kind: 'unavailable',
          providerCode: 'TOKEN_REFRESH_WAIT',
          retryable: true,
          hint: 'another process is refreshing the access token',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    async get() {
      if (cached && now() < cached.refreshAt) return cached.token;
      const current = await read();
      if (current && now() < current.refreshAt) return current.token;
      const generation = current?.hash ?? 'none';
      if (await takeLock(generation)) return refresh(undefined);
      // Someone else refreshes; the current token stays valid until it expires (WeChat keeps the old one
      // valid for 5 minutes after rotating), so only a caller without a valid token waits.
      if (current && now() < current.expiresAt) return current.token;
      return waitForNew(current?.hash, generation);
    },
    async renew(rejected) {
      const rejectedHash = hashOf(rejected);
      const current = await read();
      if (current && current.hash !== rejectedHash && now() < current.expiresAt) return current.token;
      const generation = `rejected-${rejectedHash}`;
      if (await takeLock(generation)) return refresh(rejected);
      return waitForNew(rejectedHash, generation);
    },
  };
}
