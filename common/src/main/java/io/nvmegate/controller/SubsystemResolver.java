package io.nvmegate.controller;

/** Finds the subsystem a Connect names, as exported on the port the connection came in on. */
@FunctionalInterface
public interface SubsystemResolver {
    /** @return the subsystem, or {@code null} if there is none with that NQN on this port */
    Subsystem resolve(String subnqn);
}
