package io.nvmegate.controller;

import io.nvmegate.catalog.SubsystemSpec;

import java.util.function.Predicate;

/**
 * An NVM or discovery subsystem as the controller core sees it.
 *
 * @param nqn          subsystem NQN (Identify Controller SUBNQN)
 * @param spec         serial, model, firmware shared by every controller of the subsystem
 * @param commandSet   the I/O or discovery command set
 * @param hostAllowed  whether a host NQN may connect (Connect Invalid Host otherwise)
 */
public record Subsystem(String nqn, SubsystemSpec spec, CommandSet commandSet, Predicate<String> hostAllowed) {
}
