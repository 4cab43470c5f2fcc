#!/usr/bin/env python3
"""netns_filter.py FILE OUT: copies the lines of the sysctl.d file FILE that
set an exact net.* key which exists and is writable in the current network
namespace to OUT (other lines become blank, so line numbers stay), and
prints one "host-wide KEY", "absent KEY", "write-only KEY" or "glob KEY" line per assignment left out.
Keys are normalised as systemd-sysctl's sysctl_normalize() does: when the
first separator is '.', '.' and '/' are swapped."""
import os
import sys

src, dst = sys.argv[1], sys.argv[2]
out = []
with open(src, 'rb') as f:
    for raw in f.read().split(b'\n'):
        line = raw.strip(b' \t\r')
        keep = False
        if line and line[:1] not in (b'#', b';') and b'=' in line:
            key = line.split(b'=', 1)[0].strip().lstrip(b'-').strip().decode('utf-8', 'replace')
            first = min([i for i in (key.find('.'), key.find('/')) if i >= 0], default=-1)
            path = key
            if first >= 0 and key[first] == '.':
                path = key.translate(str.maketrans('./', '/.'))
            path = '/'.join(p for p in path.split('/') if p and p != '.')
            full = '/proc/sys/' + path
            if any(c in path for c in '*?['):
                print('glob', key)
            elif not path.startswith('net/'):
                print('host-wide', key)
            elif not os.path.isfile(full) or not os.access(full, os.W_OK):
                print('absent', key)
            elif not os.access(full, os.R_OK):
                print('write-only', key)
            else:
                keep = True
        out.append(raw if keep else b'')
with open(dst, 'wb') as f:
    f.write(b'\n'.join(out))
