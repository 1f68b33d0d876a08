package io.nvmegate.client;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A Namespace Identification Descriptor (Identify CNS 03h, NVMe Base 2.0 section 5.17.2.3, Figure 283):
 * {@code NIDT u8 @0, NIDL u8 @1, value @4 (NIDL bytes)}.
 *
 * @param nidt  type: 1 = IEEE EUI-64 (8 bytes), 2 = NGUID (16), 3 = UUID (16), 4 = Command Set Identifier (1)
 * @param value the identifier bytes (NIDL of them)
 */
public record NamespaceDescriptor(int nidt, byte[] value) {
    public static final int EUI64 = 1;
    public static final int NGUID = 2;
    public static final int UUID = 3;
    public static final int CSI = 4;

    @Override
    public boolean equals(Object o) {
        return o instanceof NamespaceDescriptor d && d.nidt == nidt && Arrays.equals(d.value, value);
    }

    @Override
    public int hashCode() {
        return nidt * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "NamespaceDescriptor[nidt=" + nidt + ", value=" + HexFormat.of().formatHex(value) + "]";
    }
}
