package io.dwcp.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/** Reads, parses and validates settings for {@link AgentConfig}: every error names the key and the value. */
record ConfigReader(Function<String, Optional<String>> lookup) {
    String string(String key, String def) {
        String v = lookup.apply(key).map(String::trim).orElse(def);
        if (v.isEmpty()) {
            throw new ConfigException(key, "\"\"", "must not be empty");
        }
        return v;
    }

    int intIn(String key, int def, int min, int max) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim();
        long v;
        try {
            v = Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, s, "not an integer");
        }
        if (v < min || v > max) {
            throw new ConfigException(key, s, "must be between " + min + " and " + max);
        }
        return (int) v;
    }

    double doubleIn(String key, double def, double min, double max) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, s, "not a number");
        }
        if (!(v >= min && v <= max)) {
            throw new ConfigException(key, s, "must be between " + min + " and " + max);
        }
        return v;
    }

    boolean bool(String key, boolean def) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, raw.get(), "not a boolean (true/false)");
        };
    }

    Duration duration(String key, Duration def) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim();
        Duration d = Durations.parse(s).orElseThrow(
                () -> new ConfigException(key, s, "not a duration (e.g. 500ms, 10s, 5m, 1h)"));
        if (d.isNegative()) {
            throw new ConfigException(key, s, "must not be negative");
        }
        return d;
    }

    Duration durationIn(String key, Duration def, Duration min, Duration max) {
        Duration d = duration(key, def);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(key, lookup.apply(key).orElse(def.toString()).trim(),
                    "must be between " + min + " and " + max);
        }
        return d;
    }

    /** A byte count: a plain integer or one with a KiB/MiB/GiB suffix (k, m, g; powers of 1024). */
    long bytes(String key, long def, long min, long max) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(\\d+)\\s*([kmg]i?b?|b)?").matcher(s);
        if (!m.matches()) {
            throw new ConfigException(key, s, "not a byte size (e.g. 1048576, 512MiB, 2GiB)");
        }
        long v;
        try {
            v = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, s, "not a byte size (e.g. 1048576, 512MiB, 2GiB)");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (v > (Long.MAX_VALUE >> shift) || (v << shift) < min || (v << shift) > max) {
            throw new ConfigException(key, s, "must be between " + min + " and " + max + " bytes");
        }
        return v << shift;
    }

    Path optionalPath(String key) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return null;
        }
        Path p = Path.of(raw.get().trim());
        if (!p.isAbsolute()) {
            throw new ConfigException(key, raw.get(), "must be an absolute path");
        }
        return p;
    }

    Path path(String key, Path def) {
        Optional<String> raw = lookup.apply(key);
        if (raw.isEmpty()) {
            return def;
        }
        String s = raw.get().trim();
        if (s.isEmpty()) {
            throw new ConfigException(key, "\"\"", "must not be empty");
        }
        Path p = Path.of(s);
        if (!p.isAbsolute()) {
            throw new ConfigException(key, s, "must be an absolute path");
        }
        // sun_path is 108 bytes on Linux including the terminator.
        if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new ConfigException(key, s, "longer than the 107 bytes a Unix socket path may have");
        }
        return p;
    }
}
