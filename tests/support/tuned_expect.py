#!/usr/bin/env python3
"""tuned_expect.py TUNED_CONF IMPORT_JSON: checks `sysknob import --format
json` of a tuned profile against the tuned.conf files themselves, merged
independently with Python's configparser the way tuned 2.20's loader does
(include= first, later profiles override, replace=1 drops a section), in
tuned's profile directories under /usr/lib/tuned and /etc/tuned. Prints a
one-line summary; exits 1 with the differences."""
import configparser
import json
import os
import sys

DIRS = ['/etc/tuned/profiles', '/etc/tuned', '/usr/lib/tuned/profiles', '/usr/lib/tuned']


def read(path):
    cp = configparser.ConfigParser(delimiters=('=',), inline_comment_prefixes=('#',), strict=False,
                                   interpolation=None)
    cp.optionxform = str
    cp.read(path)
    return cp


def load(path, chain, files, merged):
    chain.append(path)
    files.append(path)
    cp = read(path)
    if cp.has_option('main', 'include'):
        for name in [n.strip() for n in cp.get('main', 'include').replace(';', ',').split(',') if n.strip()]:
            if '${' in name:
                continue
            for d in DIRS:
                cand = os.path.join(d, name, 'tuned.conf')
                if cand not in chain and os.path.exists(cand):
                    load(cand, chain, files, merged)
                    break
            else:
                raise SystemExit('include %s of %s not found' % (name, path))
    if cp.has_section('sysctl'):
        sec = cp['sysctl']
        if sec.get('replace', '0') in ('1', 'true', 'yes'):
            merged.clear()
        for k, v in sec.items():
            if k != 'replace':
                merged[k] = v
    chain.pop()


def canon(key):
    first = min([i for i in (key.find('.'), key.find('/')) if i >= 0], default=-1)
    if first >= 0 and key[first] == '/':
        key = key.translate(str.maketrans('./', '/.'))
    return key


conf, result = sys.argv[1], json.load(open(sys.argv[2]))
files, merged = [], {}
load(conf, [], files, merged)
got = {s['key']: s['value'] for s in result['settings']}
hand = {f['key'] for f in result['findings'] if f['kind'] == 'needs a value written by hand'}
missing = [f for f in result['findings'] if 'not found' in f['message']]
errors = []
if result['files'][:len(files)] != files:
    errors.append('files read %s, tuned reads %s' % (result['files'], files))
if missing:
    errors.append('includes not resolved: %s' % missing)
computed = 0
for k, v in merged.items():
    key = canon(k)
    want = ' '.join(v.strip('"').lstrip('<>').split())
    if '${' in v:
        computed += 1
        if key not in hand or key in got:
            errors.append('%s = %s is computed by tuned but not reported' % (key, v))
        continue
    if got.get(key) != want:
        errors.append('%s: imported %r, tuned.conf says %r' % (key, got.get(key), want))
extra = set(got) - {canon(k) for k in merged}
if extra:
    errors.append('keys not in the tuned.conf files: %s' % sorted(extra))
if errors:
    print('\n'.join(errors))
    sys.exit(1)
print('%d files, %d keys match, %d computed by tuned reported' % (len(files), len(merged) - computed, computed))
