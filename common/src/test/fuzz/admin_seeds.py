#!/usr/bin/env python3
"""Seed inputs of the admin fuzz targets (AdminCommandsFuzzTest#adminCommands, DiscoveryAdminFuzzTest#discoveryAdmin).

Input format (io.nvmegate.admin.AdminFuzzInput): per command, a 64-byte SQE, DATAL le16, DATAL bytes of in-capsule
data. The SQEs are those a Linux host / nvme-cli sends (PSDT 01b = SGL, SGL descriptor Transport Data Block 5Ah for
controller-to-host data, Data Block with Offset 01h for in-capsule data), one seed per command kind, plus the
regression inputs of the findings (named finding-*). Usage: admin_seeds.py common|discovery (writes into the
module's Inputs directory; run from the repository root).
"""
import os
import struct
import sys

SGL_TRANSPORT, SGL_OFFSET = 0x5A, 0x01


def sqe(opc, nsid=0, cdw=None, sgl_len=0, sgl_id=SGL_TRANSPORT, psdt=1, fctype=None, raw=None):
    b = bytearray(64)
    b[0] = opc
    b[1] = psdt << 6
    struct.pack_into('<I', b, 4, nsid)
    if fctype is not None:
        b[4] = fctype
    struct.pack_into('<I', b, 32, sgl_len & 0xFFFFFFFF)
    b[39] = sgl_id
    for n, v in (cdw or {}).items():
        struct.pack_into('<I', b, 40 + (n - 10) * 4, v & 0xFFFFFFFF)
    for off, fmt, v in (raw or []):
        struct.pack_into(fmt, b, off, v)
    return bytes(b)


def cmd(s, data=b''):
    return s + struct.pack('<H', len(data)) + data


def get_log(lid, nbytes, lpo=0, rae=0, sgl_len=None, lsp=0):
    numd = nbytes // 4 - 1
    cdw10 = lid | lsp << 8 | rae << 15 | (numd & 0xFFFF) << 16
    return sqe(0x02, nsid=0xFFFFFFFF, cdw={10: cdw10, 11: numd >> 16, 12: lpo & 0xFFFFFFFF, 13: lpo >> 32},
               sgl_len=nbytes if sgl_len is None else sgl_len)


def identify(cns, nsid=0, sgl_len=4096):
    return sqe(0x06, nsid=nsid, cdw={10: cns}, sgl_len=sgl_len)


def get_features(fid, sel=0, cdw11=0, sgl_len=0):
    return sqe(0x0A, cdw={10: fid | sel << 8, 11: cdw11}, sgl_len=sgl_len)


def set_features(fid, cdw11, sv=0):
    return sqe(0x09, cdw={10: fid | sv << 31, 11: cdw11})


def abort(sqid, cid):
    return sqe(0x08, cdw={10: sqid | cid << 16})


AER = sqe(0x0C)
KEEP_ALIVE = sqe(0x18)
PROPERTY_GET_CAP = sqe(0x7F, fctype=0x04, raw=[(40, '<B', 1), (44, '<I', 0)])
PROPERTY_GET_CSTS = sqe(0x7F, fctype=0x04, raw=[(44, '<I', 0x1C)])
PROPERTY_SET_CC_DISABLE = sqe(0x7F, fctype=0x00, raw=[(44, '<I', 0x14), (48, '<Q', 6 << 16 | 4 << 20)])
DISCONNECT = sqe(0x7F, fctype=0x08)


def common_seeds(lids):
    s = {
        'identify-controller': cmd(identify(1)),
        'identify-every-cns': b''.join(cmd(identify(c, nsid=1)) for c in (0, 2, 3, 5, 6, 8, 0x10, 0x11, 0x12, 0x13, 0x1F)),
        'get-log-every-lid': b''.join(cmd(get_log(l, 4096)) for l in lids),
        'get-log-offsets': b''.join(cmd(get_log(lids[0], n, lpo=o)) for n, o in ((4, 0), (512, 4), (4096, 4096), (1024, 1 << 32))),
        'get-features-all': b''.join(cmd(get_features(f, sel)) for f in (1, 2, 4, 5, 6, 7, 0x0B, 0x0F, 0x81) for sel in (0, 1, 3)),
        'host-identifier': cmd(get_features(0x81, cdw11=1, sgl_len=16)),
        'set-features': b''.join(cmd(set_features(f, v)) for f, v in ((1, 0x01020304), (2, 0), (4, 0x157), (5, 10), (6, 0),
                                                                        (7, 0x00030003), (0x0B, 0x100), (0x0F, 15000))),
        'aer-then-abort': cmd(AER) + cmd(AER) + cmd(abort(0, 0)) + cmd(abort(0, 99)) + cmd(KEEP_ALIVE),
        'aer-over-limit': b''.join(cmd(AER) for _ in range(6)),
        'properties-and-reset': cmd(PROPERTY_GET_CAP) + cmd(PROPERTY_GET_CSTS) + cmd(AER) + cmd(PROPERTY_SET_CC_DISABLE) + cmd(KEEP_ALIVE),
        'disconnect': cmd(KEEP_ALIVE) + cmd(DISCONNECT) + cmd(KEEP_ALIVE),
        'set-features-with-data': cmd(sqe(0x09, cdw={10: 0x0F, 11: 1000}, sgl_len=64, sgl_id=SGL_OFFSET), bytes(range(64))),
        'unknown-opcodes': b''.join(cmd(sqe(o)) for o in (0x01, 0x04, 0x10, 0x11, 0x80, 0x81, 0xC0, 0xFF)),
        # finding 1: SGL length above MDTS on an admin read (the reply was zero-padded to it: 16 MiB here; OOM at 2 GiB)
        'finding-identify-sgl-16mib': cmd(identify(1, sgl_len=16 << 20)),
        'finding-get-log-sgl-over-mdts': cmd(get_log(lids[0], 1 << 20, sgl_len=1 << 20)),
        # finding 1b: SGL length >= 2 GiB (negative as a Java int) gave Internal Error
        'finding-get-log-sgl-2gib': cmd(get_log(lids[0], 4096, sgl_len=0x80000000)),
        'finding-identify-sgl-4gib-minus-1': cmd(identify(1, sgl_len=0xFFFFFFFF)),
        # finding 2: LPO >= 2^63 read as a negative long (Internal Error); any LPO beyond the log: Invalid Field
        'finding-get-log-lpo-2pow63': cmd(get_log(lids[0], 4096, lpo=1 << 63)),
        'finding-get-log-lpo-max': cmd(get_log(lids[0], 4096, lpo=0xFFFFFFFFFFFFFFFC)),
    }
    return s


def write(directory, seeds):
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), 'wb') as f:
            f.write(data)
    print(f'{len(seeds)} inputs in {directory}')


if __name__ == '__main__':
    which = sys.argv[1] if len(sys.argv) > 1 else 'common'
    if which == 'common':
        write('common/src/test/resources/io/nvmegate/admin/AdminCommandsFuzzTestInputs/adminCommands', common_seeds([0x01, 0x04, 0x00, 0x02, 0x03, 0x05, 0x0C, 0x70, 0x80]))
    elif which == 'discovery':
        write('discovery-service/src/test/resources/io/nvmegate/discovery/DiscoveryAdminFuzzTestInputs/discoveryAdmin', common_seeds([0x70, 0x01, 0x02]))
    else:
        sys.exit('usage: admin_seeds.py common|discovery')
