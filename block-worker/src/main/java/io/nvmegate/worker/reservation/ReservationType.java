package io.nvmegate.worker.reservation;

/**
 * Reservation types (RTYPE, NVMe Base 2.0 Figure 344 / section 8.19.1) and the access each grants; the numeric
 * value is the RTYPE field of Reservation Acquire / Release CDW10 bits 15:8 and of the Reservation Report header.
 *
 * <p>Access of a host that is not the holder (NVM Command Set 1.0 Figure 5 "Command Behavior in the Presence of
 * a Reservation"; the holder always has full access):
 * <pre>
 * RTYPE  name                                   read group           write group
 *  1     Write Exclusive                        any host             holder only
 *  2     Exclusive Access                       holder only          holder only
 *  3     Write Exclusive - Registrants Only     any host             registrants
 *  4     Exclusive Access - Registrants Only    registrants          registrants
 *  5     Write Exclusive - All Registrants      any host             registrants (every registrant holds)
 *  6     Exclusive Access - All Registrants     registrants          registrants (every registrant holds)
 * </pre>
 */
public enum ReservationType {
    WRITE_EXCLUSIVE(1),
    EXCLUSIVE_ACCESS(2),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(3),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(4),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(5),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(6);

    /** The RTYPE value (1..6). */
    public final int rtype;

    ReservationType(int rtype) {
        this.rtype = rtype;
    }

    /** @return the type of RTYPE {@code v}, or null for 0 and the reserved values 07h..FFh */
    public static ReservationType of(int v) {
        return v >= 1 && v <= 6 ? values()[v - 1] : null;
    }

    /** All Registrants types: every registrant is a reservation holder (NVMe Base 2.0 section 8.19.3). */
    public boolean allRegistrants() {
        return this == WRITE_EXCLUSIVE_ALL_REGISTRANTS || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** Registrants Only types: a release is notified to the other registrants (as the All Registrants types). */
    public boolean registrantsOnly() {
        return this == WRITE_EXCLUSIVE_REGISTRANTS_ONLY || this == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    }

    /** @return whether a host that is not the holder may issue a command of {@code access}, per the table above */
    public boolean allows(Access access, boolean registrant) {
        if (access == Access.OTHER) return true;
        switch (this) {
            case WRITE_EXCLUSIVE: return access == Access.READ;
            case EXCLUSIVE_ACCESS: return false;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY:
            case WRITE_EXCLUSIVE_ALL_REGISTRANTS: return access == Access.READ || registrant;
            default: return registrant;
        }
    }

    /** Command groups of the access table (NVM Command Set 1.0 Figure 5). */
    public enum Access {
        /** Read, Compare, Verify. */
        READ,
        /** Write, Write Zeroes, Dataset Management, Flush, Compare and Write. */
        WRITE,
        /** Everything else (e.g. the reservation commands themselves, checked by their own rules). */
        OTHER
    }
}
