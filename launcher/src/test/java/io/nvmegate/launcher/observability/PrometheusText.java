package io.nvmegate.launcher.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of the Prometheus text format 0.0.4 to sum samples in tests. */
final class PrometheusText {
    private PrometheusText() {}

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Sum of the samples of {@code name} whose labels include every entry of {@code match}.
     *
     * @throws AssertionError when no sample matches (a wrong metric name or label, or a series never exported):
     *                        a missing series is not 0, so an assertion on the sum can fail
     */
    static double sum(String text, String name, Map<String, String> match) {
        double total = 0;
        int samples = 0;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) continue;
            Map<String, String> labels = labels(m.group(3));
            if (match.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                total += Double.parseDouble(m.group(4));
                samples++;
            }
        }
        if (samples == 0) throw new AssertionError("no sample of " + name + " with labels " + match + " in the scrape");
        return total;
    }

    /** Metric families ({@code # TYPE} lines) whose name starts with {@code prefix}. */
    static Set<String> families(String text, String prefix) {
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE " + prefix)) out.add(line.split(" ")[2]);
        }
        return out;
    }

    private static Map<String, String> labels(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null) return out;
        Matcher m = LABEL.matcher(s);
        while (m.find()) out.put(m.group(1), m.group(2));
        return out;
    }
}
