// The one place v-auto talks HTTPS itself: a disk image file streamed to CDI's upload proxy, as `virtctl image-upload` sends it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { ExitCode, VAutoError } from '../errors.js';

export interface ImageUpload {
  /** https://host[:port] of the upload proxy. */
  proxyUrl: string;
  /** From an UploadTokenRequest; sent only in the Authorization header, never printed. */
  token: string;
  file: string;
  /** The file's size in bytes (Content-Length). */
  bytes: number;
  /** --insecure-upload: accept a proxy certificate that does not verify. */
  insecure: boolean;
  /** Tries in all; a broken link starts the upload again from the first byte. */
  attempts: number;
  onProgress: (sent: number) => void;
  onRetry: (attempt: number, reason: string) => void;
  signal?: AbortSignal;
}

const SYNC_PATH = '/v1beta1/upload';
const ASYNC_PATH = '/v1beta1/upload-async';

/**
 * Uploads as virtctl does (kubevirt/kubevirt pkg/virtctl/imageupload/upload.go uploadData,
 * ConstructUploadProxyPathAsync; paths from kubevirt/containerized-data-importer@c07cdb6
 * pkg/common/common.go): a HEAD to the async path decides between it and the sync path, then one
 * POST of the whole file, `Content-Type: application/octet-stream` with its length, the token as
 * `Authorization: Bearer`. CDI's upload server takes no ranges, so a broken link restarts the
 * file from its start, as virtctl's retries do; an answer of the proxy other than 200 is final,
 * except 503 (the upload server is not ready yet).
 */
export async function uploadImage(u: ImageUpload): Promise<void> {
  const base = new URL(u.proxyUrl);
  const path = (await send(u, base, 'HEAD', ASYNC_PATH)
    .then((r) => r.status === 200)
    .catch(() => false))
    ? ASYNC_PATH
    : SYNC_PATH;
  for (let attempt = 1; ; attempt++) {
    let failure: { reason: string; retry: boolean };
    try {
      const answer = await send(u, base, 'POST', path);
      if (answer.status === 200) return;
      failure = {
        reason: `the upload proxy answered ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ''}`,
        retry: answer.status === 503,
      };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (u.signal?.aborted) throw err;
      if (TLS_CODES.test(e.code ?? ''))
        throw new VAutoError(
          `the upload proxy ${base.host} has a certificate that does not verify (${e.code})`,
          {
            exitCode: ExitCode.CLUSTER,
            hint: 'add its CA with NODE_EXTRA_CA_CERTS=ca.pem, or deploy with --insecure-upload to accept it unverified',
          },
        );
      failure = { reason: `${e.code ?? e.message}`, retry: true };
    }
    if (!failure.retry || attempt >= u.attempts)
      throw new VAutoError(`upload of ${u.file} failed after ${attempt} attempt(s): ${failure.reason}`, {
        exitCode: ExitCode.CLUSTER,
        hint: 'deploy again to restart the upload; the golden DataVolume waits for it',
      });
    u.onRetry(attempt, failure.reason);
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function send(
  u: ImageUpload,
  base: URL,
  method: 'HEAD' | 'POST',
  path: string,
): Promise<{ status: number; body: string }> {
  const options: RequestOptions = {
    method,
    hostname: base.hostname,
    port: base.port || 443,
    path: new URL(path, base).pathname,
    rejectUnauthorized: !u.insecure,
    signal: u.signal,
    headers: {
      Authorization: `Bearer ${u.token}`,
      ...(method === 'POST' && {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(u.bytes),
      }),
    },
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => void (body.length < 1000 && (body += c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (method === 'HEAD') return void req.end();
    let sent = 0;
    const file = createReadStream(u.file);
    file.on('data', (chunk) => {
      sent += chunk.length;
      u.onProgress(sent);
    });
    file.on('error', (err) => req.destroy(err));
    file.pipe(req);
  });
}

/** The SHA-256 of a file, read as a stream. */
export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
