package io.nvmegate.bench;

/**
 * What one job measured.
 *
 * @param ios          commands completed in the measured window
 * @param iops         commands per second
 * @param mibPerSecond payload MiB per second
 * @param p50us        median latency, microseconds (submission to completion, in the host library)
 * @param p99us        99th percentile latency, microseconds
 * @param p999us       99.9th percentile latency, microseconds
 * @param cpuUsPerIo   process CPU time per command, microseconds (initiator and target when they share the JVM)
 * @param errors       commands that failed
 */
public record Result(long ios, double iops, double mibPerSecond, double p50us, double p99us, double p999us,
                     double cpuUsPerIo, long errors) {
}
