package dev.hookline.bench;

/** What the load tools' command lines share. */
public final class Args {

    private Args() {
    }

    /**
     * @return {@code value} as an integer within {@code min..max}
     * @throws IllegalArgumentException naming the value and the range otherwise
     */
    public static int bounded(String value, int min, int max) {
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
        }
        return n;
    }
}
