#!/usr/bin/env node
// Writes the network's connection info (network/.run/connection.json) from KEY=VALUE
// lines on stdin, produced by write_connection_json in lib.sh. A key is a path of
// '/'-separated object keys; a key ending in '#' holds a number. Written atomically.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2];
if (!file) {
  console.error('usage: write-connection.js FILE < key=value lines');
  process.exit(2);
}
const root = {};
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  if (!line) continue;
  const eq = line.indexOf('=');
  if (eq < 0) throw new Error(`not KEY=VALUE: ${line}`);
  let key = line.slice(0, eq);
  let value = line.slice(eq + 1);
  if (key.endsWith('#')) {
    key = key.slice(0, -1);
    value = Number(value);
  }
  const parts = key.split('/');
  let obj = root;
  for (const p of parts.slice(0, -1)) obj = obj[p] ??= {};
  obj[parts[parts.length - 1]] = value;
}
fs.mkdirSync(path.dirname(file), { recursive: true });
const tmp = `${file}.${process.pid}.tmp`;
fs.writeFileSync(tmp, JSON.stringify(root, null, 2) + '\n');
fs.renameSync(tmp, file);
