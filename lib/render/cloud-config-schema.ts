// What cloud-init's own schema refuses in a #cloud-config, for the keys v-auto checks (pure).
//
// Written from reading cloud-init's schema, not copied from it: cloudinit/config/schemas/
// schema-cloud-config-v1.json of cloud-init 22.4.2 (Debian 12's 22.4.2-1+deb12u4, what CI runs) and
// of canonical/cloud-init@04eacd06 (26.2). A value is refused only where BOTH refuse it: a guest's
// cloud-init may be either, and a later one accepting more (a user's `doas`, `packages: {apt: …}`,
// `write_files[].source`) must not stop a deploy. What one marks deprecated is a warning, as
// `cloud-init schema` reports it ("Cloud config schema deprecations", exit 0). cloud-init keeps
// its validator's rules (draft 4: `oneOf` is exactly one match; a `$ref` and its siblings both
// apply, cloudinit/config/schema.py get_jsonschema_validator), so does this check. Keys it does
// not model are left to cloud-init; an unknown top-level key is a warning: 22.4.2 accepts it, 26.2
// calls it an error, and at boot cloud-init only logs either (validate_cloudconfig_schema,
// strict=False) and no module reads the key.
import { DEFAULT_SCHEMA, Type } from 'js-yaml';
import { didYouMean } from '../config/did-you-mean.js';

/** One problem at a key path in cloud-init's own notation (`users.0.lock_passwd`); never a value. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export interface SchemaResult {
  errors: SchemaProblem[];
  warnings: SchemaProblem[];
}

/**
 * YAML as cloud-init reads it (PyYAML, YAML 1.1): `yes`, `no`, `on`, `off` are booleans beside
 * `true` and `false`, each in PyYAML's three case forms (yaml/pyyaml lib/yaml/resolver.py, the bool
 * resolver), so a text template's `lock_passwd: no` is the boolean it is to the guest. This type
 * replaces js-yaml's own bool (same tag). Timestamps are dates, as in PyYAML.
 */
export const PYYAML_SCHEMA = DEFAULT_SCHEMA.extend({
  implicit: [
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (s: string) =>
        /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(s),
      construct: (s: string) => /^(?:yes|true|on)$/i.test(s),
    }),
  ],
});

/** Problems as the rules find them: `wrongType` marks a value of another type, for `oneOf`'s words. */
type Found = SchemaProblem & { wrongType?: boolean };
type Out = { errors: Found[]; warnings: SchemaProblem[] };
/** A check of one value at one path, and the words for what it accepts. */
interface Rule {
  check(v: unknown, path: string, out: Out): void;
  wants: string;
}

const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !(v instanceof Uint8Array);

type TypeName = 'string' | 'boolean' | 'integer' | 'null' | 'array' | 'object';
const TYPE_WORDS: Record<TypeName, string> = {
  string: 'a string',
  boolean: 'true/false',
  integer: 'an integer',
  null: 'null',
  array: 'a list',
  object: 'a map',
};

/** Draft 4's types as cloud-init's validator sees PyYAML's values (bytes count as a string). */
function isType(v: unknown, t: TypeName): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string' || v instanceof Uint8Array;
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isMap(v);
  }
}

/** What a value is, in words that never show it. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Date) return 'a date (write it in quotes)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'true/false';
  if (typeof v === 'string' || v instanceof Uint8Array) return 'a string';
  return 'a map';
}

function fail(out: Out, path: string, message: string, wrongType = false): void {
  out.errors.push(wrongType ? { path, message, wrongType } : { path, message });
}

function types(...names: TypeName[]): Rule {
  const wants = names.map((n) => TYPE_WORDS[n]).join(' or ');
  return {
    wants,
    check(v, path, out) {
      if (!names.some((n) => isType(v, n)))
        fail(out, path, `is ${kindOf(v)}, where cloud-init wants ${wants}`, true);
    },
  };
}
const str = types('string');
const bool = types('boolean');
const int = types('integer');

/** Several rules on one value (a draft 4 schema's keywords, each applied). */
function all(wants: string, ...rules: Rule[]): Rule {
  return { wants, check: (v, path, out) => rules.forEach((r) => r.check(v, path, out)) };
}

function oneOfValues(...values: unknown[]): Rule {
  const wants = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    wants,
    check(v, path, out) {
      if (!values.includes(v)) fail(out, path, `is not ${wants}`);
    },
  };
}

function pattern(re: RegExp, words: string): Rule {
  return {
    wants: words,
    check(v, path, out) {
      if (typeof v === 'string' && !re.test(v)) fail(out, path, `is not ${words}`);
    },
  };
}

function minimum(n: number): Rule {
  return {
    wants: `at least ${n}`,
    check(v, path, out) {
      if (typeof v === 'number' && v < n) fail(out, path, `is less than ${n}`);
    },
  };
}

/** A list (when the value is one: `types` says whether it must be) and its items. */
function items(item: Rule | undefined, limits: { min?: number; max?: number; unique?: boolean } = {}): Rule {
  return {
    wants: item === str ? 'a list of strings' : 'a list',
    check(v, path, out) {
      if (!Array.isArray(v)) return;
      if (limits.min !== undefined && v.length < limits.min)
        fail(out, path, limits.min === 1 ? 'is an empty list' : `has fewer than ${limits.min} items`);
      if (limits.max !== undefined && v.length > limits.max)
        fail(out, path, `has more than ${limits.max} items`);
      if (limits.unique && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
        fail(out, path, 'has the same item twice');
      if (item) v.forEach((x, i) => item.check(x, at(path, i), out));
    },
  };
}
const list = (item?: Rule, limits?: Parameters<typeof items>[1]) =>
  all(items(item, limits).wants, types('array'), items(item, limits));

interface MapRules {
  props?: Record<string, Rule>;
  /** additionalProperties: false (keys neither in props nor matching `patterns` are refused). */
  closed?: boolean;
  patterns?: [RegExp, Rule][];
  required?: string[];
  minProps?: number;
}

/** A map's keys (when the value is one). */
function keys(rules: MapRules, wants = 'a map'): Rule {
  return {
    wants,
    check(v, path, out) {
      if (!isMap(v)) return;
      for (const r of rules.required ?? [])
        if (!Object.hasOwn(v, r)) fail(out, path, `has no ${r}, which cloud-init requires`);
      if (rules.minProps !== undefined && Object.keys(v).length < rules.minProps)
        fail(out, path, 'is an empty map');
      for (const [k, x] of Object.entries(v)) {
        const rule = rules.props && Object.hasOwn(rules.props, k) ? rules.props[k] : undefined;
        const matching = (rules.patterns ?? []).filter(([re]) => re.test(k));
        rule?.check(x, at(path, k), out);
        for (const [, r] of matching) r.check(x, at(path, k), out);
        if (rules.closed && !rule && !matching.length) {
          const near = didYouMean(k, Object.keys(rules.props ?? {}));
          fail(
            out,
            at(path, k),
            `is not a key cloud-init knows here${near ? ` (did you mean ${near}?)` : ''}`,
          );
        }
      }
    },
  };
}
const map = (rules: MapRules, wants = 'a map') => all(wants, types('object'), keys(rules, wants));

/** Exactly one rule matches (draft 4 `oneOf`); deprecation warnings of the matching one count. */
function oneOf(...rules: Rule[]): Rule {
  const wants = rules.map((r) => r.wants).join(', or ');
  return {
    wants,
    check(v, path, out) {
      const tries = rules.map((r) => attempt(r, v, path));
      const valid = tries.filter((o) => !o.errors.length);
      if (valid.length === 1) out.warnings.push(...valid[0].warnings);
      else if (valid.length > 1) fail(out, path, `matches more than one of: ${wants}`);
      else out.errors.push(...closest(v, path, tries, wants));
    },
  };
}

/** At least one rule matches (draft 4 `anyOf`); the first that does gives its warnings. */
function anyOf(...rules: Rule[]): Rule {
  const wants = rules.map((r) => r.wants).join(', or ');
  return {
    wants,
    check(v, path, out) {
      const tries = rules.map((r) => attempt(r, v, path));
      const valid = tries.find((o) => !o.errors.length);
      if (valid) out.warnings.push(...valid.warnings);
      else out.errors.push(...closest(v, path, tries, wants));
    },
  };
}

/** The problems to show when no alternative fits: those of the one alternative of the value's type, else one line. */
function closest(v: unknown, path: string, tries: Out[], wants: string): Found[] {
  const typed = tries.filter((o) => !o.errors.some((e) => e.path === path && e.wrongType));
  if (typed.length === 1) return typed[0].errors;
  return [{ path, message: `is ${kindOf(v)}, where cloud-init wants ${wants}`, wrongType: true }];
}

/** One rule's verdict on a value, apart from the others'. */
function attempt(rule: Rule, v: unknown, path: string): Out {
  const o: Out = { errors: [], warnings: [] };
  rule.check(v, path, o);
  return o;
}

/** `rule`, and one more warning (the message at the value's path) when the value matches it. */
function warnWhenMatched(rule: Rule, message: string): Rule {
  return {
    wants: rule.wants,
    check(v, path, out) {
      const o = attempt(rule, v, path);
      out.errors.push(...o.errors);
      out.warnings.push(...o.warnings);
      if (!o.errors.length) out.warnings.push({ path, message });
    },
  };
}

/** cloud-init marks it deprecated: a warning when it matches (its `deprecated` keyword). */
const deprecated = (rule: Rule, instead: string) =>
  warnWhenMatched(rule, `is deprecated in cloud-init: ${instead}`);

/**
 * A value cloud-init's schema refuses but the module that reads it applies as meant: cloud-init
 * only logs the schema's complaint at boot (strict=False), so a config that has always worked is
 * warned about, not stopped.
 */
const appliedAnyway = (rule: Rule, why: string) =>
  warnWhenMatched(rule, `is ${rule.wants}, which cloud-init's schema refuses: ${why}`);

const strings = list(str);
const strings1 = list(str, { min: 1 });
const command = oneOf(list(str), str);

/** users_groups.user (22.4.2), with the keys 26.2 added (doas; the dashed spellings, deprecated). */
const USER_PROPS: Record<string, Rule> = {
  name: str,
  expiredate: str,
  gecos: str,
  groups: oneOf(
    str,
    list(str, { min: 1 }),
    map({ patterns: [[/^.+$/, deprecated(types('null'), 'give groups as a list')]] }),
  ),
  homedir: str,
  inactive: str,
  lock_passwd: bool,
  'lock-passwd': deprecated(bool, 'write lock_passwd'),
  no_create_home: bool,
  no_log_init: bool,
  no_user_group: bool,
  passwd: str,
  hashed_passwd: str,
  plain_text_passwd: str,
  create_groups: bool,
  primary_group: str,
  selinux_user: str,
  shell: str,
  snapuser: str,
  ssh_authorized_keys: strings1,
  ssh_import_id: strings1,
  ssh_redirect_user: bool,
  system: bool,
  sudo: oneOf(
    types('string', 'null'),
    deprecated(bool, 'give a sudo rule, or null'),
    // cloudinit/distros/__init__.py write_sudo_rules (22.4.2 and 26.2): a list writes each rule.
    appliedAnyway(list(str), 'cloud-init writes each rule all the same; give one rule as a string'),
  ),
  uid: oneOf(int, deprecated(str, 'give an integer')),
  doas: strings1,
};
for (const k of [
  'create_groups',
  'hashed_passwd',
  'no_create_home',
  'no_log_init',
  'no_user_group',
  'plain_text_passwd',
  'primary_group',
  'selinux_user',
  'ssh_authorized_keys',
  'ssh_import_id',
  'ssh_redirect_user',
])
  USER_PROPS[k.replace(/_/g, '-')] = deprecated(USER_PROPS[k], `write ${k}`);

/** A user map names exactly one of name and snapuser (draft 4 `oneOf` of two `required`). */
const NAMED: Rule = {
  wants: 'a user map with a name',
  check(v, path, out) {
    if (!isMap(v)) return;
    const named = ['name', 'snapuser'].filter((k) => Object.hasOwn(v, k));
    if (named.length !== 1)
      fail(
        out,
        path,
        named.length ? 'has both name and snapuser, where cloud-init wants one' : 'has no name',
      );
  },
};
const USER = all('a user map with a name', types('object'), NAMED, keys({ props: USER_PROPS, closed: true }));
const GROUPS_BY_NAME = keys({
  closed: true,
  patterns: [
    [/^.+$/, all('a string or a list of strings', types('string', 'array'), items(str, { min: 1 }))],
  ],
});

const CA_CERTS = map(
  {
    closed: true,
    minProps: 1,
    props: {
      remove_defaults: bool,
      'remove-defaults': deprecated(bool, 'write remove_defaults'),
      trusted: strings1,
    },
  },
  'a ca_certs map',
);
const SIZE = /^([0-9]+)?\.?[0-9]+[BKMGT]$/;
const PACKAGE = oneOf(list(str, { min: 2, max: 2 }), str);
const NTP_CONFIG = map({
  closed: true,
  minProps: 1,
  props: {
    confpath: str,
    check_exe: str,
    packages: list(str, { unique: true }),
    service_name: str,
    template: str,
  },
});

/** The top-level keys v-auto checks, as cloud-init's schema defines them. */
const TOP: Record<string, Rule> = {
  // cc_users_groups
  groups: all(
    'a string, a map or a list of group names',
    types('string', 'object', 'array'),
    GROUPS_BY_NAME,
    items(all('a group name or map', types('string', 'object'), GROUPS_BY_NAME), { min: 1 }),
  ),
  user: oneOf(str, USER),
  // 26.2 dropped minItems from users: an empty list is not refused.
  users: all(
    'a string, a list or a map of users',
    types('string', 'array', 'object'),
    items(oneOf(str, list(str), USER)),
  ),
  // cc_set_passwords
  ssh_pwauth: oneOf(bool, deprecated(str, 'write true or false')),
  password: str,
  chpasswd: map({
    closed: true,
    props: {
      expire: bool,
      users: list(
        all(
          'a user map',
          types('object'),
          anyOf(
            map(
              {
                closed: true,
                required: ['name', 'type'],
                props: { name: str, type: all('RANDOM', str, oneOfValues('RANDOM')) },
              },
              'a map of name and type: RANDOM',
            ),
            map(
              {
                closed: true,
                required: ['name', 'password'],
                props: {
                  name: str,
                  type: all('hash or text', str, oneOfValues('hash', 'text')),
                  password: str,
                },
              },
              'a map of name and password',
            ),
          ),
        ),
      ),
      list: deprecated(
        all(
          'a string or a list of user:password',
          oneOf(str, list(all('user:password', str, pattern(/^.+:.+$/, 'user:password')))),
          items(undefined, { min: 1 }),
        ),
        'give chpasswd.users',
      ),
    },
  }),
  // cc_ssh
  ssh_authorized_keys: strings1,
  ssh_keys: map({
    closed: true,
    patterns: [[/^(dsa|ecdsa|ed25519|rsa)_(public|private|certificate)$/, str]],
  }),
  ssh_deletekeys: bool,
  ssh_genkeytypes: list(all('a key type', str, oneOfValues('dsa', 'ecdsa', 'ed25519', 'rsa')), { min: 1 }),
  disable_root: bool,
  disable_root_opts: str,
  allow_public_ssh_keys: bool,
  ssh_quiet_keygen: bool,
  ssh_publish_hostkeys: map({ closed: true, props: { enabled: bool, blacklist: strings } }),
  ssh_import_id: strings,
  // cc_package_update_upgrade_install; 26.2 also takes a map {apt: [...], snap: [...]}
  packages: oneOf(
    list(PACKAGE, { min: 1 }),
    map({ closed: true, props: { apt: list(PACKAGE), snap: list(PACKAGE) } }),
  ),
  package_update: bool,
  package_upgrade: bool,
  package_reboot_if_required: bool,
  apt_update: deprecated(bool, 'write package_update'),
  apt_upgrade: deprecated(bool, 'write package_upgrade'),
  apt_reboot_if_required: deprecated(bool, 'write package_reboot_if_required'),
  // cc_runcmd, cc_bootcmd
  runcmd: list(oneOf(list(str), str, types('null')), { min: 1 }),
  bootcmd: list(command, { min: 1 }),
  // cc_write_files; 26.2 adds source {uri, headers}
  write_files: list(
    map({
      closed: true,
      required: ['path'],
      props: {
        path: str,
        content: str,
        owner: str,
        permissions: str,
        encoding: all(
          'an encoding',
          str,
          oneOfValues(
            'gz',
            'gzip',
            'gz+base64',
            'gzip+base64',
            'gz+b64',
            'gzip+b64',
            'b64',
            'base64',
            'text/plain',
          ),
        ),
        append: bool,
        defer: bool,
        source: map({
          closed: true,
          required: ['uri'],
          props: { uri: str, headers: map({ patterns: [[/^/, str]] }) },
        }),
      },
    }),
    { min: 1 },
  ),
  // cc_timezone, cc_set_hostname, cc_update_hostname, cc_update_etc_hosts, cc_final_message, cc_locale
  timezone: str,
  hostname: str,
  fqdn: str,
  preserve_hostname: bool,
  prefer_fqdn_over_hostname: bool,
  create_hostname_file: bool,
  manage_etc_hosts: oneOf(
    oneOfValues(true, false, 'localhost'),
    deprecated(oneOfValues('template'), 'write true'),
  ),
  final_message: str,
  locale: str,
  locale_configfile: str,
  // cc_growpart, cc_resizefs
  growpart: map({
    closed: true,
    props: {
      mode: oneOf(
        oneOfValues('auto', 'growpart', 'gpart', 'off'),
        deprecated(oneOfValues(false), 'write off'),
      ),
      devices: strings,
      ignore_growroot_disabled: bool,
    },
  }),
  resize_rootfs: oneOfValues(true, false, 'noblock'),
  // cc_power_state_change
  power_state: map({
    closed: true,
    required: ['mode'],
    props: {
      delay: oneOf(
        all('an integer of 0 or more', int, minimum(0)),
        deprecated(all('+N', str, pattern(/^\+?[0-9]+$/, 'a number of minutes')), 'give an integer, or now'),
        oneOfValues('now'),
      ),
      mode: all('poweroff, reboot or halt', str, oneOfValues('poweroff', 'reboot', 'halt')),
      message: str,
      timeout: int,
      condition: oneOf(str, bool, types('array')),
    },
  }),
  // cc_ca_certs
  ca_certs: CA_CERTS,
  'ca-certs': deprecated(CA_CERTS, 'write ca_certs'),
  // cc_ntp; 26.2 adds allow and peers
  ntp: all(
    'null or an ntp map',
    types('null', 'object'),
    keys({
      closed: true,
      props: {
        pools: list(str, { unique: true }),
        servers: list(str, { unique: true }),
        peers: list(str, { unique: true }),
        allow: list(str, { unique: true }),
        ntp_client: str,
        enabled: bool,
        config: NTP_CONFIG,
      },
    }),
  ),
  // cc_mounts
  mounts: list(list(str, { min: 1, max: 6 }), { min: 1 }),
  mount_default_fields: list(oneOf(str, types('null')), { min: 6, max: 6 }),
  swap: map({
    closed: true,
    props: {
      filename: str,
      size: oneOf(oneOfValues('auto'), int, all('a size like 2G', str, pattern(SIZE, 'a size like 2G'))),
      maxsize: oneOf(int, all('a size like 2G', str, pattern(SIZE, 'a size like 2G'))),
    },
  }),
  // cc_disable_ec2_metadata, cc_resolv_conf, cc_ssh_authkey_fingerprints
  disable_ec2_metadata: bool,
  manage_resolv_conf: bool,
  resolv_conf: map({
    closed: true,
    props: {
      nameservers: types('array'),
      searchdomains: types('array'),
      domain: str,
      sortlist: types('array'),
      options: types('object'),
    },
  }),
  no_ssh_fingerprints: bool,
  authkey_hash: str,
};

/**
 * Every top-level key either schema defines (22.4.2's and 26.2's), and keys cloud-init reads outside
 * it (merge_how, merge_type, system_info, output): another key is a warning, with a did-you-mean.
 */
const KNOWN_TOP = new Set([
  ...Object.keys(TOP),
  ...'ansible apk_repos apt apt_pipelining autoinstall byobu_by_default chef cloud_config_modules cloud_final_modules cloud_init_modules device_aliases disk_setup drivers fan fs_setup grub-dpkg grub_dpkg keyboard landscape launch-index lxd mcollective merge_how merge_type migrate output phone_home puppet random_seed reporting rh_subscription rpi rsyslog salt_minion snap spacewalk ssh ssh_fp_console_blacklist ssh_key_console_blacklist system_info ubuntu_advantage ubuntu_pro updates vendor_data version wireguard yum_repo_dir yum_repos zypper'.split(
    ' ',
  ),
]);

/** cloud-init's schema on a parsed #cloud-config map: what it refuses (errors) and deprecates (warnings). */
export function checkCloudConfig(doc: Record<string, unknown>): SchemaResult {
  const out: Out = { errors: [], warnings: [] };
  for (const [k, v] of Object.entries(doc)) {
    if (Object.hasOwn(TOP, k)) TOP[k].check(v, k, out);
    else if (!KNOWN_TOP.has(k)) {
      const near = didYouMean(k, [...KNOWN_TOP]);
      out.warnings.push({
        path: k,
        message: `is not a cloud-config key cloud-init knows, and no module reads it${near ? ` (did you mean ${near}?)` : ''}`,
      });
    }
  }
  return { errors: out.errors.map(({ path, message }) => ({ path, message })), warnings: out.warnings };
}
