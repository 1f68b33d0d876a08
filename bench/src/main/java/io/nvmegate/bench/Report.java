package io.nvmegate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** What every benchmark prints last: the machine line, and the table saved under the results folder. */
final class Report {
    private Report() {}

    /** "machine: N cores, VM version, arch" */
    static String machine() {
        return String.format("machine: %d cores, %s %s, %s", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"));
    }

    /** Prints {@code lines} and writes them to {@code out/<name>-yyyyMMdd-HHmmss.txt}. */
    static void printAndSave(Path out, String name, List<String> lines) throws IOException {
        lines.forEach(System.out::println);
        Files.createDirectories(out);
        Path file = out.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.write(file, lines);
        System.out.println("results: " + file);
    }
}
