package dev.flint.connlib.wireguard;

/**
 * Receiver index to peer, read lock-free by every decrypting thread and changed (rarely: per handshake) under
 * the node's lock by replacing an immutable open-addressing snapshot. Primitive keys, so a lookup allocates
 * nothing.
 */
final class IndexTable {
    private record Snapshot(int[] keys, boolean[] used, WireGuardPeer[] values, int size) {}

    private volatile Snapshot snapshot = new Snapshot(new int[16], new boolean[16], new WireGuardPeer[16], 0);

    WireGuardPeer get(int index) {
        Snapshot s = snapshot;
        int mask = s.keys.length - 1;
        for (int i = mix(index) & mask; s.used[i]; i = (i + 1) & mask) {
            if (s.keys[i] == index) {
                return s.values[i];
            }
        }
        return null;
    }

    boolean contains(int index) {
        return get(index) != null;
    }

    void put(int index, WireGuardPeer peer) {
        Snapshot s = snapshot;
        int capacity = s.keys.length;
        while ((s.size + 1) * 2 > capacity) {
            capacity *= 2;
        }
        snapshot = rebuild(s, capacity, index, peer, false);
    }

    void remove(int index) {
        if (get(index) != null) {
            snapshot = rebuild(snapshot, snapshot.keys.length, index, null, true);
        }
    }

    int size() {
        return snapshot.size;
    }

    private static Snapshot rebuild(Snapshot s, int capacity, int index, WireGuardPeer peer, boolean removing) {
        int[] keys = new int[capacity];
        boolean[] used = new boolean[capacity];
        WireGuardPeer[] values = new WireGuardPeer[capacity];
        int size = 0;
        for (int i = 0; i < s.keys.length; i++) {
            if (s.used[i] && s.keys[i] != index) {
                size += insert(keys, used, values, s.keys[i], s.values[i]);
            }
        }
        if (!removing) {
            size += insert(keys, used, values, index, peer);
        }
        return new Snapshot(keys, used, values, size);
    }

    private static int insert(int[] keys, boolean[] used, WireGuardPeer[] values, int key, WireGuardPeer value) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (used[i]) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        used[i] = true;
        values[i] = value;
        return 1;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
