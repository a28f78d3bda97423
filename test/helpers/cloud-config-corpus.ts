// Cloud-configs with what cloud-init 22.4.2's `cloud-init schema` says of each: the differential corpus.
// `refused`: exit 1 (schema errors); `deprecated`: exit 0 with a deprecation; `later`: 22.4.2 refuses
// it but cloud-init 26.2 (canonical/cloud-init@04eacd06 schema-cloud-config-v1.json) accepts it, so
// v-auto accepts it; `unknownKey`: 22.4.2 accepts an unknown top-level key silently, v-auto warns;
// `applied`: cloud-init's schema refuses it, but the module that reads it applies it as meant (cited):
// cloud-init only logs the schema's complaint at boot, so v-auto warns and does not stop a deploy.

export interface CorpusEntry {
  name: string;
  /** The cloud-config after its `#cloud-config` line. */
  body: string;
  refused?: boolean;
  deprecated?: boolean;
  later?: string;
  unknownKey?: boolean;
  applied?: string;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

export const CORPUS: CorpusEntry[] = [
  // Accepted.
  { name: 'hostname only (v-auto default)', body: lines('hostname: web-01') },
  {
    name: 'users with a hash, lock_passwd false, a sudo rule; write_files (the example)',
    body: lines(
      'hostname: web-01',
      'fqdn: web-01.vm-demo.example.internal',
      'users:',
      '  - name: ops',
      '    passwd: "$6$salt$hash"',
      '    lock_passwd: false',
      '    sudo: "ALL=(ALL) NOPASSWD:ALL"',
      'write_files:',
      '  - path: /etc/motd',
      '    content: "web-01 is managed by v-auto\\n"',
    ),
  },
  {
    name: 'lock_passwd: no, a boolean to PyYAML',
    body: lines('users:', '  - name: ops', '    lock_passwd: no'),
  },
  {
    name: 'packages and runcmd lists (the db example)',
    body: lines(
      'packages: [postgresql-server]',
      'runcmd:',
      '  - [postgresql-setup, --initdb]',
      '  - systemctl enable --now postgresql',
    ),
  },
  { name: 'users: default and a name', body: lines('users: [default, ops]') },
  { name: 'users as one string', body: lines('users: "default, ops"') },
  { name: 'users as a map', body: lines('users: {}') },
  { name: 'a user given as a list of strings', body: lines('users:', '  - [ops, admin]') },
  {
    name: 'a user with keys, groups, shell, uid, system, homedir',
    body: lines(
      'users:',
      '  - name: ops',
      '    groups: [wheel, adm]',
      '    shell: /bin/bash',
      '    uid: 1500',
      '    homedir: /srv/ops',
      '    system: false',
      '    ssh_authorized_keys: ["ssh-ed25519 AAAAC3 ops@site"]',
      '    sudo: null',
    ),
  },
  {
    name: 'chpasswd users: RANDOM, text and hash',
    body: lines(
      'chpasswd:',
      '  expire: false',
      '  users:',
      '    - {name: ops, type: RANDOM}',
      '    - {name: root, password: x, type: text}',
      '    - {name: app, password: "$6$s$h"}',
    ),
  },
  {
    name: 'ssh settings',
    body: lines(
      'ssh_pwauth: true',
      'disable_root: false',
      'ssh_deletekeys: true',
      'ssh_genkeytypes: [rsa, ed25519]',
      'ssh_authorized_keys:',
      '  - ssh-ed25519 AAAAC3 a@b',
    ),
  },
  {
    name: 'bootcmd strings and lists',
    body: lines('bootcmd:', '  - echo one', '  - [cloud-init-per, once, x, echo, two]'),
  },
  { name: 'runcmd with a null item', body: lines('runcmd:', '  - echo a', '  -') },
  {
    name: 'timezone, locale, ntp, manage_etc_hosts',
    body: lines(
      'timezone: Asia/Seoul',
      'locale: en_US.UTF-8',
      'ntp:',
      '  enabled: true',
      '  servers: [ntp1.example.internal, ntp2.example.internal]',
      'manage_etc_hosts: localhost',
    ),
  },
  { name: 'ntp: null', body: lines('ntp:') },
  {
    name: 'growpart, resize_rootfs, power_state',
    body: lines(
      'growpart:',
      '  mode: auto',
      '  devices: [/]',
      'resize_rootfs: noblock',
      'power_state:',
      '  mode: reboot',
      '  delay: now',
      '  condition: true',
    ),
  },
  {
    name: 'write_files with encoding, quoted permissions, owner, append, defer',
    body: lines(
      'write_files:',
      '  - path: /etc/x',
      '    content: aGVsbG8=',
      '    encoding: b64',
      '    permissions: "0644"',
      '    owner: root:root',
      '    append: true',
      '    defer: true',
    ),
  },
  {
    name: 'ca_certs',
    body: lines(
      'ca_certs:',
      '  remove_defaults: false',
      '  trusted:',
      '    - |',
      '      -----BEGIN CERTIFICATE-----',
      '      MIIB',
      '      -----END CERTIFICATE-----',
    ),
  },
  {
    name: 'mounts and swap',
    body: lines(
      'mounts:',
      '  - [/dev/vdb, /data, xfs, defaults, "0", "2"]',
      'swap:',
      '  filename: /swap.img',
      '  size: 2G',
      '  maxsize: 4294967296',
    ),
  },
  {
    name: 'groups as a list with a map',
    body: lines('groups:', '  - admins: [ops, app]', '  - cloud-users'),
  },
  {
    name: 'a package pinned to a version',
    body: lines('packages:', '  - [libpython3.8, 3.8.10-0ubuntu1~20.04.2]', '  - vim'),
  },
  {
    name: 'package_update and package_upgrade',
    body: lines('package_update: true', 'package_upgrade: true', 'package_reboot_if_required: true'),
  },
  {
    name: 'keys cloud-init reads that v-auto does not model',
    body: lines(
      'yum_repos:',
      '  epel:',
      '    baseurl: http://mirror.example.internal/epel',
      '    enabled: true',
      'rh_subscription:',
      '  activation-key: k',
      '  org: 12',
    ),
  },
  {
    name: 'an unknown top-level key (a typo)',
    body: lines('ssh_authorised_keys: [ssh-ed25519 AAAA a@b]'),
    unknownKey: true,
  },

  // Deprecated: exit 0 with a deprecation, a warning from v-auto.
  { name: 'ssh_pwauth as a string', body: lines('ssh_pwauth: "yes"'), deprecated: true },
  { name: 'chpasswd list', body: lines('chpasswd:', '  list: |', '    ops:pass1'), deprecated: true },
  { name: 'sudo: true', body: lines('users:', '  - name: ops', '    sudo: true'), deprecated: true },
  { name: 'uid as a string', body: lines('users:', '  - name: ops', '    uid: "1500"'), deprecated: true },
  {
    name: 'lock-passwd with a dash',
    body: lines('users:', '  - name: ops', '    lock-passwd: false'),
    deprecated: true,
  },
  { name: 'apt_update', body: lines('apt_update: true'), deprecated: true },
  {
    name: 'power_state delay as "+5"',
    body: lines('power_state:', '  mode: reboot', '  delay: "+5"'),
    deprecated: true,
  },
  { name: 'ca-certs with a dash', body: lines('ca-certs:', '  trusted: [abc]'), deprecated: true },
  { name: 'manage_etc_hosts: template', body: lines('manage_etc_hosts: template'), deprecated: true },

  // Refused.
  {
    name: 'lock_passwd as the string "no"',
    body: lines('users:', '  - name: ops', '    lock_passwd: "no"'),
    refused: true,
  },
  { name: 'runcmd as one string', body: lines('runcmd: ls'), refused: true },
  { name: 'runcmd empty', body: lines('runcmd: []'), refused: true },
  { name: 'hostname a number', body: lines('hostname: 5'), refused: true },
  { name: 'timezone a boolean', body: lines('timezone: true'), refused: true },
  { name: 'resize_rootfs a string', body: lines('resize_rootfs: "true"'), refused: true },
  { name: 'package_update a string', body: lines('package_update: "true"'), refused: true },
  {
    name: 'write_files permissions unquoted (an integer)',
    body: lines('write_files:', '  - path: /a', '    permissions: 0644'),
    refused: true,
  },
  { name: 'write_files without path', body: lines('write_files:', '  - content: x'), refused: true },
  {
    name: 'write_files unknown encoding',
    body: lines('write_files:', '  - path: /a', '    encoding: base32'),
    refused: true,
  },
  {
    name: 'write_files unknown key',
    body: lines('write_files:', '  - path: /a', '    mode: "0644"'),
    refused: true,
  },
  { name: 'a user without a name', body: lines('users:', '  - gecos: x'), refused: true },
  {
    name: 'a user with name and snapuser',
    body: lines('users:', '  - name: a', '    snapuser: b'),
    refused: true,
  },
  { name: 'a user key misspelt', body: lines('users:', '  - name: ops', '    pasword: x'), refused: true },
  {
    name: 'expiredate unquoted (a date)',
    body: lines('users:', '  - name: ops', '    expiredate: 2030-01-01'),
    refused: true,
  },
  {
    name: 'ssh_authorized_keys one string',
    body: lines('ssh_authorized_keys: "ssh-ed25519 AAAA a@b"'),
    refused: true,
  },
  { name: 'ssh_authorized_keys empty', body: lines('ssh_authorized_keys: []'), refused: true },
  { name: 'ssh_genkeytypes unknown', body: lines('ssh_genkeytypes: [foo]'), refused: true },
  { name: 'packages one string', body: lines('packages: vim'), refused: true },
  { name: 'a package pair of one', body: lines('packages: [[vim]]'), refused: true },
  { name: 'ntp servers twice', body: lines('ntp:', '  servers: [a, a]'), refused: true },
  {
    name: 'chpasswd RANDOM with a password',
    body: lines('chpasswd:', '  users:', '    - {name: a, type: RANDOM, password: x}'),
    refused: true,
  },
  { name: 'chpasswd unknown key', body: lines('chpasswd:', '  expires: true'), refused: true },
  { name: 'groups a number', body: lines('groups: 5'), refused: true },
  { name: 'a group member list a number', body: lines('groups:', '  - admins: 5'), refused: true },
  { name: 'power_state without mode', body: lines('power_state:', '  delay: now'), refused: true },
  { name: 'power_state unknown mode', body: lines('power_state:', '  mode: sleep'), refused: true },
  { name: 'growpart unknown mode', body: lines('growpart:', '  mode: always'), refused: true },
  { name: 'bootcmd a number item', body: lines('bootcmd: [5]'), refused: true },
  { name: 'ca_certs empty', body: lines('ca_certs: {}'), refused: true },
  { name: 'swap size with a space', body: lines('swap:', '  size: 2 GB'), refused: true },
  { name: 'ssh_pwauth a number', body: lines('ssh_pwauth: 1'), refused: true },

  // 22.4.2 refuses, 26.2 accepts: v-auto accepts.
  {
    name: "a user's doas rules",
    body: lines('users:', '  - name: ops', '    doas: [permit ops]'),
    refused: true,
    later: 'users_groups.user.doas',
  },
  {
    name: 'packages by manager',
    body: lines('packages:', '  apt: [vim]'),
    refused: true,
    later: 'cc_package_update_upgrade_install packages: {apt, snap}',
  },
  {
    name: 'users empty',
    body: lines('users: []'),
    refused: true,
    later: 'cc_users_groups users without minItems',
  },
  {
    name: 'write_files from a source',
    body: lines('write_files:', '  - path: /a', '    source:', '      uri: https://files.example.internal/a'),
    refused: true,
    later: 'cc_write_files source',
  },

  // Refused by the schema, applied by the module: v-auto warns.
  {
    name: "a user's sudo rules as a list",
    body: lines('users:', '  - name: ops', '    sudo: ["ALL=(ALL) NOPASSWD:ALL"]'),
    refused: true,
    applied: 'cloudinit/distros/__init__.py write_sudo_rules writes each rule of a list',
  },
];
