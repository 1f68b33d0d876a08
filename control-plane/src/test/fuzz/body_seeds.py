#!/usr/bin/env python3
"""Seed inputs of CatalogBodiesFuzzTest#catalogBodies: byte 0 = operation index (CatalogBodiesFuzzTest.OPERATIONS),
then the request body as UTF-8. One valid body per operation (what the README's curl examples and nvmegate-ctl send),
plus typical bad ones (wrong types, unknown fields, out-of-range numbers, non-objects, broken JSON), plus the
regression inputs of findings (named finding-*). Run from the repository root."""
import json
import os

OPS = ['PUT /global', 'POST /subsystems', 'PATCH /subsystems/{nqn}', 'POST /namespaces', 'POST /subsystems/{nqn}/namespaces',
       'PATCH /subsystems/{nqn}/namespaces/1', 'POST /ports', 'PATCH /ports/1', 'POST /ports/1/subsystems', 'POST /hosts',
       'PATCH /hosts/{nqn}', 'POST /subsystems/{nqn}/hosts', 'POST /referrals', 'PATCH /referrals/1', 'POST /generate-key',
       'PUT /config']
NQN = 'nqn.2026-11.io.nvmegate:fuzz'
NQN2 = 'nqn.2026-11.io.nvmegate:other'
HOST = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000f1'
HOST2 = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-0000000000f2'
KEY = 'DHHC-1:00:' + 'A' * 44 + ':'

VALID = {
    0: {'enabled': True, 'ana': True, 'crossPortReferrals': True, 'baseNqn': 'nqn.2026-11.io.example'},
    1: {'nqn': NQN2, 'serial': 'SN1', 'model': 'm', 'firmware': '1.0', 'allowAnyHost': False, 'hosts': [HOST],
        'ieeeOui': '00a0b1', 'maxNamespaces': 32},
    2: {'model': 'renamed', 'allowAnyHost': True},
    3: {'subsystem': NQN, 'nsid': 2, 'size': '1G', 'blockSize': 4096, 'backend': 'memory', 'anaGroup': 1},
    4: {'size': 1048576, 'blockSize': 512, 'uuid': '6f1d7c1e-0b3a-4d4e-9b7a-2f3c4d5e6f70', 'replicationFactor': 1},
    5: {'size': '2M', 'enabled': False},
    6: {'id': 2, 'trtype': 'tcp', 'adrfam': 'ipv6', 'traddr': '::1', 'trsvcid': 4421, 'subsystems': [NQN],
        'inCapsuleDataSize': 16384, 'maxQueueSize': 256, 'treq': 'not-required', 'advertisedAddress': 'fe80::1'},
    7: {'trsvcid': 4430, 'treq': 'required'},
    8: {'nqn': NQN},
    9: {'nqn': HOST2, 'dhchapKey': KEY, 'hash': 'sha256', 'dhGroup': 'ffdhe2048'},
    10: {'dhchapKey': KEY},
    11: {'host': HOST},
    12: {'id': 2, 'adrfam': 'ipv4', 'traddr': '192.0.2.10', 'trsvcid': 8009, 'portId': 1},
    13: {'trsvcid': 8010},
    14: {'hash': 'sha384', 'length': 48, 'hostNqn': HOST},
    15: {'global': {'enabled': True}, 'hosts': [{'nqn': HOST}],
         'subsystems': [{'nqn': NQN2, 'hosts': [HOST], 'allowAnyHost': False,
                         'namespaces': [{'nsid': 1, 'size': '1M', 'backend': 'memory'}]}],
         'ports': [{'id': 1, 'traddr': '0.0.0.0', 'trsvcid': 4420}], 'referrals': [{'id': 1, 'traddr': '10.0.0.1'}]},
}

BAD = {
    'wrong-type': (1, '{"nqn": 5}'),
    'unknown-field': (6, '{"id": 3, "colour": "blue"}'),
    'int-too-large': (6, '{"id": 99999999999, "trsvcid": 4420}'),
    'negative-nsid': (4, '{"nsid": -1, "size": "1M"}'),
    'size-garbage': (4, '{"size": "12Q"}'),
    'size-huge': (4, '{"size": "99999999999999999999T"}'),
    'not-an-object': (1, '[1, 2, 3]'),
    'broken-json': (0, '{"enabled": tru'),
    'null-values': (7, '{"trsvcid": null, "treq": null}'),
    'restore-not-array': (15, '{"subsystems": {"nqn": "x"}}'),
    'restore-bad-namespace': (15, '{"subsystems": [{"nqn": "%s", "namespaces": [5]}]}' % NQN2),
    'restore-nested-wrong': (15, '{"ports": [{"id": "one"}]}'),
    'empty': (2, ''),
    'deep-nesting': (1, '[' * 2000 + ']' * 2000),
    'float-int': (12, '{"id": 1.5, "traddr": "10.0.0.2"}'),
    'huge-number': (14, '{"length": 1e400}'),
    'bad-key': (9, '{"nqn": "%s", "dhchapKey": "DHHC-1:07:xyz:"}' % HOST2),
}


def main():
    d = 'control-plane/src/test/resources/io/nvmegate/control/CatalogBodiesFuzzTestInputs/catalogBodies'
    os.makedirs(d, exist_ok=True)
    n = 0
    for op, body in VALID.items():
        name = 'valid-' + OPS[op].strip('/').replace('/', '-').replace('{', '').replace('}', '').replace(' ', '-').lower()
        with open(os.path.join(d, name), 'wb') as f:
            f.write(bytes([op]) + json.dumps(body).encode())
        n += 1
    for name, (op, text) in BAD.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(bytes([op]) + text.encode())
        n += 1
    print(f'{n} inputs in {d}')


if __name__ == '__main__':
    main()
