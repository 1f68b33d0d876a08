package io.nvmegate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a Linux process from {@code /proc/<pid>/stat}: fields 14 (utime) and 15 (stime), in clock ticks,
 * summed over all the threads of the process (proc(5)); converted to nanoseconds with {@code getconf CLK_TCK}
 * (normally 100, i.e. 10 ms resolution: measure windows of seconds).
 */
final class ProcCpu {
    private ProcCpu() {}

    /** Clock ticks per second ({@code getconf CLK_TCK}; 100 if it cannot be run). */
    static final long CLK_TCK = clockTicks();

    /** utime + stime of {@code pid} in nanoseconds, or -1 if the process is gone. */
    static long nanos(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException gone) {
            return -1;
        }
        // the command (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 (f[0] is field 3, state)
        return ticks * 1_000_000_000L / CLK_TCK;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
