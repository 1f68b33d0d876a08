package io.nvmegate.launcher;

/** What a process runs. {@code all} = gateway + worker + discovery in one JVM. */
public enum Role {
    all, gateway, worker, discovery;

    public boolean runsGateway() { return this == all || this == gateway; }
    public boolean runsWorker() { return this == all || this == worker; }
    public boolean runsDiscovery() { return this == all || this == discovery; }
}
