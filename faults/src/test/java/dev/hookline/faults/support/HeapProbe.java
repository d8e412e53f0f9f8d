package dev.hookline.faults.support;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a server process really holds: a full GC ({@code jcmd <pid> GC.run}), then the used
 * heap as the collector reports it ({@code jcmd <pid> GC.heap_info}). Read from outside, so the
 * reading itself allocates nothing in the server.
 */
public final class HeapProbe {

    private static final Pattern USED = Pattern.compile("heap .*?\\bused (\\d+)K");

    private HeapProbe() {
    }

    /** @return the heap used after a full GC, in bytes */
    public static long usedAfterGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no 'heap ... used ..K' in jcmd GC.heap_info:\n" + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
            }
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}
