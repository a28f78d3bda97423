// The environment variables oc/kubectl read to reach the cluster: never taken from its environment.

/**
 * Go's proxy settings (golang.org/x/net/http/httpproxy reads both cases), where kubeconfig is, and
 * HOME (~/.kube: config, cache, exec credential plugins) and PATH (the plugins themselves). A spec
 * may read one with `env:` (the guest gets the same proxy as the admin's shell); the variables that
 * `env:` references read are otherwise taken out of oc's environment, but these are oc's own
 * configuration, given to it by the admin, and without them it cannot connect.
 */
const CONNECTION_ENV = new Set([
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'KUBECONFIG',
  'HOME',
  'PATH',
]);

/** Whether oc needs `name` to connect, so it stays in oc's environment even when a spec reads it. */
export function isConnectionEnv(name: string): boolean {
  return CONNECTION_ENV.has(name);
}
