package dev.flint.connlib.wireguard;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Randomness for tests: scripted ints and byte strings first, then a seeded generator. */
final class ScriptedRandom implements RandomGenerator {
    private final ArrayDeque<Integer> ints = new ArrayDeque<>();
    private final ArrayDeque<byte[]> byteStrings = new ArrayDeque<>();
    private final SplittableRandom fallback;

    ScriptedRandom(long seed) {
        this.fallback = new SplittableRandom(seed);
    }

    ScriptedRandom withInts(int... values) {
        for (int v : values) {
            ints.add(v);
        }
        return this;
    }

    ScriptedRandom withBytes(byte[]... values) {
        for (byte[] v : values) {
            byteStrings.add(v.clone());
        }
        return this;
    }

    @Override
    public int nextInt() {
        Integer v = ints.poll();
        return v != null ? v : fallback.nextInt();
    }

    @Override
    public void nextBytes(byte[] out) {
        byte[] v = byteStrings.poll();
        if (v == null) {
            fallback.nextBytes(out);
        } else {
            System.arraycopy(v, 0, out, 0, out.length);
        }
    }

    @Override
    public long nextLong() {
        return fallback.nextLong();
    }
}
