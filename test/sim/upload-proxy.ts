// CDI's upload proxy, simplified: HTTPS, a token from an UploadTokenRequest, the image streamed into an upload DataVolume's PVC.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Link } from './link.js';
import type { ObjectStore } from './store.js';

/** A self-signed certificate for 127.0.0.1 and localhost, made once per process with openssl. */
let certificate: { key: string; cert: string } | undefined;
function selfSigned(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-sim-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore', input: '' },
    );
    certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface UploadProxyOptions {
  store: ObjectStore;
  /** Upload tokens issued by UploadTokenRequest, with the PVC each is good for. */
  tokens: Map<string, { namespace: string; pvc: string }>;
  /** Shared with imports when the link is modelled: an upload's bytes arrive at its pace. */
  link?: Link;
  /** Read per request: break this many uploads halfway (the connection drops), then accept. */
  breakUploads: () => number;
  onBroken: () => void;
  /** An upload finished: the PVC is populated. */
  received: (namespace: string, pvc: string, bytes: number) => void;
  /** An upload started: the DataVolume shows UploadInProgress. */
  started: (namespace: string, pvc: string) => void;
}

/**
 * Serves `POST /v1beta1/upload` (and the async path, which virtctl probes with HEAD) as CDI's
 * uploadproxy does (kubevirt/containerized-data-importer@c07cdb6 pkg/common/common.go UploadPathSync,
 * UploadPathAsync; pkg/uploadproxy): `Authorization: Bearer <token>` names the PVC; a missing or
 * unknown token is 401; a PVC whose upload server is not ready is 503.
 */
export async function startUploadProxy(o: UploadProxyOptions): Promise<{ url: string; server: Server }> {
  const server = createServer(selfSigned(), (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? o.tokens.get(token) : undefined;
    const route = (req.url ?? '').split('?')[0];
    if (route !== '/v1beta1/upload' && route !== '/v1beta1/upload-async') {
      res.writeHead(404).end('not found');
      return;
    }
    if (!grant) {
      res.writeHead(401).end('authentication failed: no valid token');
      return;
    }
    if (req.method === 'HEAD') {
      res.writeHead(200).end();
      return;
    }
    const pvc = o.store.get('PersistentVolumeClaim', grant.namespace, grant.pvc);
    if (pvc?.metadata.annotations?.['cdi.kubevirt.io/storage.pod.ready'] !== 'true') {
      res.writeHead(503).end(`upload server for ${grant.pvc} is not ready`);
      return;
    }
    const total = Number(req.headers['content-length'] ?? NaN);
    const breakThis = o.breakUploads() > 0;
    o.started(grant.namespace, grant.pvc);
    let bytes = 0;
    let broken = false;
    const flow = o.link?.join(`upload:${grant.namespace}/${grant.pvc}`, req);
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Chunks already read still arrive after the socket is destroyed: break (and count) once.
      if (breakThis && !broken && bytes >= total / 2) {
        broken = true;
        o.onBroken();
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      flow?.leave();
      if (bytes !== total) {
        res.writeHead(400).end(`expected ${total} bytes, got ${bytes}`);
        return;
      }
      o.received(grant.namespace, grant.pvc, bytes);
      res.writeHead(200).end();
    });
    req.on('close', () => flow?.leave());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
